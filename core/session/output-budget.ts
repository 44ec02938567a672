/** What the budget needs of one connection's outbox. */
export interface Backlogged {
  /** Bytes of this connection counted against the budget. */
  readonly held: number;
  /** Drops the connection; its bytes leave the budget before this returns. */
  shed(): void;
}

/**
 * The bytes all outboxes of one server hold together, bounded: each client alone is held to
 * --out-buffer, but thousands of clients that do not read would still take the server's
 * memory. Counting is O(1) per write; only past the budget are the connections looked at, and
 * those furthest behind are dropped first, so clients that read (whose backlog is a turn's
 * worth) are not touched.
 */
export class OutputBudget {
  private total = 0;
  private readonly members = new Set<Backlogged>();

  constructor(readonly limit: number) {}

  /** Bytes queued or being written, over all connections. */
  get bytes(): number {
    return this.total;
  }

  join(member: Backlogged): void {
    this.members.add(member);
  }

  leave(member: Backlogged): void {
    this.members.delete(member);
  }

  /** Counts `bytes` more (fewer when negative); past the budget, drops the largest backlogs until under it. */
  charge(bytes: number): void {
    this.total += bytes;
    if (bytes <= 0 || this.total <= this.limit) return;
    const largest = [...this.members].filter((m) => m.held > 0).sort((a, b) => b.held - a.held);
    for (const member of largest) {
      if (this.total <= this.limit) return;
      member.shed();
    }
  }
}
