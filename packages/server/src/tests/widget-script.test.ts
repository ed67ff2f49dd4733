import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Problem } from '../errors.ts';
import { BUILT_WIDGET, widgetScript } from '../http/widget-script.ts';

describe('the widget script served at /widget.js', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-widget-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is the build of packages/widget', () => {
    const w = widgetScript();
    expect(w.js.equals(fs.readFileSync(BUILT_WIDGET))).toBe(true);
    expect(gunzipSync(w.gzip).equals(w.js)).toBe(true);
  });

  it('answers 503 with how to build it when it was not built', () => {
    let thrown: unknown;
    try {
      widgetScript(path.join(dir, 'missing.js'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Problem);
    expect((thrown as Problem).status).toBe(503);
    expect((thrown as Problem).detail).toContain('npm run build');
  });

  it('serves a rebuilt file without a restart', () => {
    const file = path.join(dir, 'widget.js');
    fs.writeFileSync(file, 'console.log(1)');
    const first = widgetScript(file);
    fs.writeFileSync(file, 'console.log(2)');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = widgetScript(file);
    expect(second.js.toString()).toBe('console.log(2)');
    expect(second.etag).not.toBe(first.etag);
  });
});
