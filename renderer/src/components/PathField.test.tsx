import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { PickPathRequest } from '../../../shared/ipc';
import { ServicesContext, type AppServices } from '../state/services';
import { browseForPath, PathField, pickRequestFor, type PathFieldProps } from './PathField';

function render(hostKind: AppServices['hostKind'], props: Partial<PathFieldProps> = {}) {
  const services = { api: {}, inference: {}, hostKind } as unknown as AppServices;
  return renderToStaticMarkup(
    <ServicesContext.Provider value={services}>
      <PathField
        id="import-path"
        label="Checkpoint folder"
        purpose="open-folder"
        value="/models/nezha"
        onChange={() => undefined}
        {...props}
      />
    </ServicesContext.Provider>,
  );
}

describe('PathField', () => {
  it('shows the labelled input and a Browse… button in the desktop app', () => {
    const html = render('electron');
    expect(html).toContain('<label for="import-path">Checkpoint folder</label>');
    expect(html).toMatch(/<input id="import-path"[^>]*value="\/models\/nezha"/);
    expect(html).toMatch(/<button type="button"[^>]*data-testid="import-path-browse"[^>]*>Browse…<\/button>/);
  });

  it('hides Browse… in serve mode, where there is no native dialog, and keeps the typed input', () => {
    const html = render('serve');
    expect(html).not.toContain('Browse');
    expect(html).not.toContain('<button');
    expect(html).toContain('<label for="import-path">Checkpoint folder</label>');
    expect(html).toMatch(/<input id="import-path"/);
  });

  it('can keep the label for screen readers only', () => {
    const html = render('electron', { id: 'bench-report-path', label: 'Save report to', hideLabel: true });
    expect(html).not.toContain('<label');
    expect(html).toContain('aria-label="Save report to"');
  });

  it('disables Browse… with the input', () => {
    expect(render('electron', { disabled: true })).toMatch(/<button[^>]*disabled=""/);
  });
});

describe('pickRequestFor', () => {
  const field = { purpose: 'save-file' as const, label: 'Write to' };

  it('opens the dialog at the typed path, titled by the label unless a title is given', () => {
    expect(pickRequestFor(field, '  /data/out.txt ')).toEqual({
      purpose: 'save-file',
      title: 'Write to',
      defaultPath: '/data/out.txt',
    });
    const filters = [{ name: 'Markdown', extensions: ['md'] }];
    expect(pickRequestFor({ ...field, dialogTitle: 'Save report', filters }, '')).toEqual({
      purpose: 'save-file',
      title: 'Save report',
      filters,
    });
  });

  it('leaves out a start path the contract would refuse', () => {
    expect(pickRequestFor(field, '/a'.repeat(3000))).not.toHaveProperty('defaultPath');
    expect(pickRequestFor(field, '/tmp/a\0b')).not.toHaveProperty('defaultPath');
  });
});

describe('browseForPath', () => {
  it('returns the picked path, or null when cancelled', async () => {
    const pick = vi.fn(async (request: PickPathRequest) => ({
      path: request.purpose === 'open-file' ? '/data/msra.txt' : null,
    }));
    const api = { dialogs: { pick } };
    expect(await browseForPath(api, { purpose: 'open-file' })).toBe('/data/msra.txt');
    expect(await browseForPath(api, { purpose: 'save-file' })).toBeNull();
    expect(pick).toHaveBeenCalledWith({ purpose: 'open-file' });
  });
});
