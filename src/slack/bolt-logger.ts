import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/** Bolt and the WebClient log through pino, so the app's secret scrubbing covers them too. */
export function boltLogger(base: Logger): BoltLogger {
  let current = base.child({ component: 'bolt' });
  return {
    debug: (...msg: unknown[]) => current.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => current.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => current.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => current.error(msg.map(String).join(' ')),
    setLevel: (level: LogLevel) => {
      current.level = level;
    },
    getLevel: () => {
      const level = current.level;
      return (Object.values(LogLevel) as string[]).includes(level) ? (level as LogLevel) : LogLevel.INFO;
    },
    setName: (name: string) => {
      current = base.child({ component: name });
    },
  };
}
