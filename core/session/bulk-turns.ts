import type { Socket } from 'node:net';

// Sockets of file senders waiting to be read again, oldest first; one is resumed per turn.
const waiting: Socket[] = [];
let scheduled = false;

function grant(): void {
  scheduled = false;
  waiting.shift()?.resume();
  if (waiting.length > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(grant);
}

/**
 * Called once a socket's data has carried file chunks: stops reading it until its turn. File
 * senders are read one per event-loop turn, round robin, so relaying chunks (hashing, copying)
 * takes a bounded slice of each turn and everyone's chat goes through in between.
 */
export function awaitTurn(socket: Socket): void {
  if (socket.isPaused()) return;
  socket.pause();
  waiting.push(socket);
  schedule();
}
