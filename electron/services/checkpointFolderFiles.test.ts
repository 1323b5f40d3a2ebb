/**
 * Checkpoint folders as Hugging Face's hub cache lays them out (huggingface_hub's snapshot_download):
 *   models--org--name/blobs/<sha256>            the bytes
 *   models--org--name/snapshots/<rev>/<file>    relative symlinks ../../blobs/<sha256>
 *   models--org--name/refs/main                 the revision
 * Such a snapshot opens as it is; a link out of the repo's blobs/ is refused with a message.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpointFolder } from '../../shared/checkpoint/folder';
import { checkpointFileResponse } from '../files/checkpointFiles';
import { listCheckpointFolderFiles } from './checkpointFolderFiles';
import { fsCheckpointSource } from './fsCheckpointSource';
import { createServices, type Services } from './services';

const base = resolve(__dirname, '../../fixtures/nezha-tiny/base');
const revision = '6b0b3a4e1f1b2d3c4e5f60718293a4b5c6d7e8f9';

let dir: string;
let services: Services;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-hub-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  services = await createServices({
    dataDir: join(dir, `data-${Date.now()}`),
    resourcesDir: null,
    host: 'serve',
  });
});
afterEach(() => services.close());

/** A hub cache repo holding the base fixture: returns the snapshot folder. */
function hubSnapshot(cache: string, repo = 'models--sijunhe--nezha-tiny'): string {
  const root = join(cache, repo);
  const snapshot = join(root, 'snapshots', revision);
  mkdirSync(join(root, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(join(root, 'refs'), { recursive: true });
  writeFileSync(join(root, 'refs', 'main'), revision);
  for (const file of readdirSync(base)) {
    const bytes = readFileSync(join(base, file));
    const blob = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(root, 'blobs', blob), bytes);
    symlinkSync(join('..', '..', 'blobs', blob), join(snapshot, file));
  }
  return snapshot;
}

async function body(response: ReturnType<typeof checkpointFileResponse>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response.body!) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('checkpoint folders in the HF hub cache layout', () => {
  it('imports a snapshot whose files are relative links into blobs/, and serves their bytes', async () => {
    const snapshot = hubSnapshot(join(dir, 'cache-ok'));
    const record = await services.checkpoints.import(snapshot);
    expect(record.files).toEqual(readdirSync(base).sort());
    expect(record.format).toBe('safetensors');
    expect(record.sizeBytes).toBe(
      readdirSync(base).reduce((sum, file) => sum + readFileSync(join(base, file)).length, 0),
    );
    const served = checkpointFileResponse(services.checkpoints, record.id, 'model.safetensors', 'bytes=0-7');
    expect(served.status).toBe(206);
    expect((await body(served)).equals(readFileSync(join(base, 'model.safetensors')).subarray(0, 8))).toBe(
      true,
    );

    // The Node-side loader (CLI infer/eval/train) reads the same snapshot.
    const loaded = await loadCheckpointFolder(fsCheckpointSource(snapshot));
    expect(loaded.stateDict.size).toBeGreaterThan(0);
  });

  it('refuses a snapshot link that leaves the repo, naming the link and its target', async () => {
    const snapshot = hubSnapshot(join(dir, 'cache-escape'));
    const outside = join(dir, 'outside.json');
    writeFileSync(outside, '{"secret": true}');
    unlinkSync(join(snapshot, 'special_tokens_map.json'));
    symlinkSync(join('..', '..', '..', '..', 'outside.json'), join(snapshot, 'special_tokens_map.json'));
    await expect(services.checkpoints.import(snapshot)).rejects.toThrow(
      /special_tokens_map\.json is a symbolic link to .*outside\.json, outside the checkpoint folder and outside this hub cache's .*models--sijunhe--nezha-tiny\/blobs/,
    );
    // Another repo's blobs in the same cache are outside too.
    const other = hubSnapshot(join(dir, 'cache-escape'), 'models--other--repo');
    const otherBlob = readdirSync(join(dir, 'cache-escape', 'models--other--repo', 'blobs'))[0];
    unlinkSync(join(snapshot, 'special_tokens_map.json'));
    symlinkSync(
      join('..', '..', '..', 'models--other--repo', 'blobs', otherBlob),
      join(snapshot, 'special_tokens_map.json'),
    );
    await expect(listCheckpointFolderFiles(snapshot)).rejects.toThrow(/outside this hub cache's/);
    expect(other).toContain('models--other--repo');
  });

  it('names a dangling link (an unfinished download)', async () => {
    const snapshot = hubSnapshot(join(dir, 'cache-dangling'));
    unlinkSync(join(snapshot, 'vocab.txt'));
    symlinkSync(join('..', '..', 'blobs', 'deadbeef.incomplete'), join(snapshot, 'vocab.txt'));
    await expect(services.checkpoints.import(snapshot)).rejects.toThrow(
      /vocab\.txt is a symbolic link to \.\.\/\.\.\/blobs\/deadbeef\.incomplete, which cannot be read \(ENOENT\)/,
    );
  });

  it('a plain folder still refuses links out of it, and takes links inside it', async () => {
    const folder = join(dir, 'plain');
    cpSync(base, folder, { recursive: true });
    symlinkSync('vocab.txt', join(folder, 'vocab-copy.txt'));
    expect((await listCheckpointFolderFiles(folder)).files).toContain('vocab-copy.txt');
    symlinkSync('/etc/hostname', join(folder, 'hostname'));
    await expect(listCheckpointFolderFiles(folder)).rejects.toThrow(
      /hostname is a symbolic link to \/etc\/hostname, outside the checkpoint folder; copy the file/,
    );
  });

  it('bounds the walk: too many entries, too deep', async () => {
    const wide = join(dir, 'wide');
    mkdirSync(wide);
    for (let i = 0; i < 30; i++) writeFileSync(join(wide, `f${i}`), '');
    await expect(listCheckpointFolderFiles(wide, { maxEntries: 20 })).rejects.toThrow(
      /holds more than 20 files and folders; .*Pick the folder that holds config\.json/,
    );
    const deep = join(dir, 'deep', 'a', 'b', 'c', 'd');
    mkdirSync(deep, { recursive: true });
    await expect(listCheckpointFolderFiles(join(dir, 'deep'), { maxDepth: 2 })).rejects.toThrow(
      /folders nest more than 2 levels/,
    );
  });
});
