import pretty from 'pino-pretty';

/**
 * Child processes log JSON lines (pino); on the console they become readable lines with the
 * service name. Anything else a child prints passes through with its name in front.
 */
export function createConsoleOutput(colorize = Boolean(process.stdout.isTTY)) {
  const stream = pretty({
    colorize,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name',
    messageFormat: '{name} › {msg}',
    singleLine: true,
    destination: 1,
    sync: true,
  });
  return {
    line(name: string, line: string) {
      if (line.startsWith('{') && line.endsWith('}')) {
        try {
          const obj = JSON.parse(line) as Record<string, unknown>;
          obj.name ??= name;
          stream.write(`${JSON.stringify(obj)}\n`);
          return;
        } catch {
          // not JSON after all
        }
      }
      process.stdout.write(`${name} › ${line}\n`);
    },
    say(text: string) {
      process.stdout.write(`${text}\n`);
    },
  };
}
