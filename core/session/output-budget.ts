/** What the budget needs of one connection's outbox. */
export interface Backlogged {
  /** Bytes of this connection counted against the budget. */
  readonly held: number;
  /** The budget's clock when the kernel last took bytes of it (or its backlog began). */
  readonly progressAt: number;
  /** Drops the connection; its bytes leave the budget before this returns. */
  shed(): void;
}

/**
 * The bytes all outboxes of one server hold together, bounded: each client alone is held to
 * --out-buffer, but thousands of clients that do not read would still take the server's
 * memory. Counting is O(1) per write; only past the budget are the connections looked at, and
 * those furthest behind are dropped first: the ones whose sockets have taken nothing for the
 * longest, then the largest. A client that reads makes progress every turn, however large its
 * backlog (a slow link, a burst to itself); one that does not can look small, as the kernel
 * holds its first megabytes, but its progress stopped when they filled up.
 */
export class OutputBudget {
  private total = 0;
  private charged = 0;
  private readonly members = new Set<Backlogged>();

  constructor(readonly limit: number) {}

  /** Bytes ever charged: a clock that advances with output, for `progressAt`. */
  get clock(): number {
    return this.charged;
  }

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

  /** Counts `bytes` more (fewer when negative); past the budget, drops those furthest behind until under it. */
  charge(bytes: number): void {
    this.total += bytes;
    if (bytes <= 0) return;
    this.charged += bytes;
    if (this.total <= this.limit) return;
    const behind = [...this.members].filter((m) => m.held > 0).sort((a, b) => a.progressAt - b.progressAt || b.held - a.held);
    for (const member of behind) {
      if (this.total <= this.limit) return;
      member.shed();
    }
  }
}
