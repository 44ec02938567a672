import 'reflect-metadata';
import test from 'ava';
import { container } from 'tsyringe';
import { injectionProblem } from '../core/plugins/injection.js';
import { Command, inject, Tokens, type Rooms } from '../core/plugin-api.js';

test('a TypeScript constructor parameter without @inject is named, with the fix', (t) => {
  const server = container.createChildContainer();
  server.register(Tokens.Rooms, { useValue: {} });

  @Command({ name: 'forgot', summary: 'x' })
  class Forgot {
    constructor(private readonly rooms: Rooms) {}
    run(): void {
      void this.rooms;
    }
  }
  t.regex(
    injectionProblem(Forgot, server)!,
    /^constructor parameter 1 \(rooms\) has no @inject: add @inject\(Tokens\.X\) to it, as TypeScript cannot inject an interface by its type \(the tokens are Tokens\.Config, .*Tokens\.Rooms, .*\)$/,
  );

  @Command({ name: 'fine', summary: 'x' })
  class Fine {
    constructor(@inject(Tokens.Rooms) private readonly rooms: Rooms) {}
    run(): void {
      void this.rooms;
    }
  }
  t.is(injectionProblem(Fine, server), undefined);
  t.truthy(server.resolve(Fine));
});
