/**
 * The command registry: name → loader. Add a command by adding its file and ONE line here.
 * Loaders are lazy so a quick command (version, doctor) never loads another's heavy imports.
 */
import type { Command } from '../command';

export type CommandModule = { command: Command };

export const commandLoaders: Record<string, () => Promise<CommandModule>> = {
  version: () => import('./version'),
  doctor: () => import('./doctor'),
  serve: () => import('./serve'),
  tokenize: () => import('./tokenize'),
  infer: () => import('./infer'),
  train: () => import('./train'),
  eval: () => import('./eval'),
  import: () => import('./import'),
  export: () => import('./export'),
  'export-onnx': () => import('./exportOnnx'),
  dataset: () => import('./dataset'),
  user: () => import('./user'),
};
