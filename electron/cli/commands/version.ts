import { packageVersion, appName } from '../../services/services';
import { parseCommandArgs, type Command } from '../command';

export const command: Command = {
  name: 'version',
  summary: 'print the app version',
  usage: 'version [--json]',
  run(args, context) {
    const { values } = parseCommandArgs(this, args, { json: { type: 'boolean' } });
    const info = { name: appName, version: packageVersion(), node: process.versions.node };
    context.out(values.json ? JSON.stringify(info) : `${info.name} ${info.version} (Node ${info.node})`);
  },
};
