// Owns the "Users & groups" screen's state (issue #6): the users with their roles and groups, the groups with their
// members, and the admin's changes to them. Every change reads both lists again, so the screen shows what is stored.

import type { GroupInfo, Role, Session, UserId, UserInfo } from '../../vault';

/** What the screen needs of a session: the admin-only directory operations. */
export type DirectorySession = Pick<
  Session['directory'],
  'users' | 'groups' | 'addUser' | 'setUserRole' | 'removeUser' | 'createGroup' | 'addMember' | 'removeMember' | 'deleteGroup'
>;

export class UsersState {
  readonly #session: DirectorySession;
  #users = $state.raw<readonly UserInfo[]>([]);
  #groups = $state.raw<readonly GroupInfo[]>([]);
  #loaded = $state(false);
  #seq = 0;

  constructor(session: DirectorySession) {
    this.#session = session;
  }

  get users(): readonly UserInfo[] {
    return this.#users;
  }
  get groups(): readonly GroupInfo[] {
    return this.#groups;
  }
  get loaded(): boolean {
    return this.#loaded;
  }

  /** Reads users and groups; a later read wins over an earlier one still running. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    const [users, groups] = await Promise.all([this.#session.users(), this.#session.groups()]);
    if (seq !== this.#seq) return;
    this.#users = [...users].sort((a, b) => a.name.localeCompare(b.name));
    this.#groups = groups;
    this.#loaded = true;
  }

  async addUser(input: { name: string; password: string; role: Role }): Promise<UserInfo> {
    const user = await this.#session.addUser(input);
    await this.load();
    return user;
  }

  async setRole(userId: UserId, role: Role): Promise<void> {
    await this.#session.setUserRole(userId, role);
    await this.load();
  }

  async removeUser(userId: UserId): Promise<{ groupsRekeyed: number; groupsNotRekeyed: number }> {
    const result = await this.#session.removeUser(userId);
    await this.load();
    return result;
  }

  async createGroup(name: string, memberIds: readonly UserId[]): Promise<GroupInfo> {
    const group = await this.#session.createGroup(name, memberIds);
    await this.load();
    return group;
  }

  async addMember(groupId: string, userId: UserId): Promise<void> {
    await this.#session.addMember(groupId, userId);
    await this.load();
  }

  /** Removes a member; returns what was re-keyed and rotated for the keys they could open (issue #14). */
  async removeMember(groupId: string, userId: UserId): Promise<{ keysRekeyed: number; keysNotRekeyed: number; keysRotated: number }> {
    const result = await this.#session.removeMember(groupId, userId);
    await this.load();
    return result;
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.#session.deleteGroup(groupId);
    await this.load();
  }

  /** A user's name by id ("Removed user" for one no longer listed). */
  nameOf(userId: string): string {
    return this.#users.find((u) => u.id === userId)?.name ?? 'Removed user';
  }
}

/** How the parts of the "Users & groups" screen report the outcome of a change: one line, said or refused. */
export interface UsersOutcome {
  say(message: string): void;
  refuse(message: string): void;
}

/** The cards of "Users & groups"; each says the outcome of its own changes under its controls (issue #17). */
export type UsersCard = 'users' | 'add-user' | 'groups' | 'add-group';

/** The one outcome on screen and the card that caused it: a new one replaces it, wherever it shows. */
export class UsersOutcomes {
  #card = $state<UsersCard | null>(null);
  #said = $state('');
  #problem = $state('');

  /** What a card reports through. */
  for(card: UsersCard): UsersOutcome {
    return {
      say: (message) => this.#set(card, message, ''),
      refuse: (message) => this.#set(card, '', message),
    };
  }
  said(card: UsersCard): string {
    return this.#card === card ? this.#said : '';
  }
  problem(card: UsersCard): string {
    return this.#card === card ? this.#problem : '';
  }
  #set(card: UsersCard, said: string, problem: string): void {
    this.#card = card;
    this.#said = said;
    this.#problem = problem;
  }
}
