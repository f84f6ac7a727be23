/**
 * The SMTP/LMTP listener the mail system hands calendar mail to (smtp-server; off by default).
 * Recipients that are not users of this server are refused at RCPT (550); messages are bounded
 * in size; each accepted message goes through iMIP-in and the receive service.
 */
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { parseInbound, type MailAuthPolicy } from '../protocols/imip/inbound.js';
import type { ReceiveService } from '../services/scheduling/receive.js';
import type { UserService } from '../services/users.js';
import { parseListen } from './config.js';
import type { Logger } from './logger.js';

export interface MailListener {
  port: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export async function startMailListener(opts: { listen: string; protocol: 'lmtp' | 'smtp'; auth: MailAuthPolicy; receive: ReceiveService; users: UserService; log: Logger }): Promise<MailListener> {
  const { host, port } = parseListen(opts.listen);
  const server = new SMTPServer({
    lmtp: opts.protocol === 'lmtp',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    banner: 'Reefknot calendar mail',
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      void opts.users.isLocalAddress(address.address).then((local) => {
        if (local) callback();
        else callback(Object.assign(new Error(`<${address.address}> is not a calendar user here`), { responseCode: 550 }));
      }, (e: unknown) => callback(e as Error));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const env = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          rcptTo: session.envelope.rcptTo.map((r) => r.address), remoteAddress: session.remoteAddress, helo: session.hostNameAppearsAs,
        };
        void parseInbound(raw, opts.auth, env)
          .then((m) => opts.receive.receive(m))
          .then((outcome) => {
            opts.log.info({ outcome: outcome.kind, from: env.mailFrom }, 'imip message');
            if (outcome.kind === 'rejected') callback(Object.assign(new Error(outcome.reason), { responseCode: 554 }));
            else callback(null, outcome.kind === 'quarantined' ? 'Accepted for review' : 'Delivered');
          }, (e: unknown) => {
            opts.log.error({ err: e }, 'imip message failed');
            callback(Object.assign(new Error('Temporary failure; try again later'), { responseCode: 451 }));
          });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
