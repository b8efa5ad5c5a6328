// Per-workspace panel state (webview-ui/shared/vscodeApi.ts with a host's PanelState): the page
// starts from the state the host stored, VS Code's own restored state wins over it, and every state
// the page saves is posted for the host to store, gathered while the user drags or types. Checked
// on the Dataset Diff bundle, whose tree width is state; every panel shares the same code.
import { describe, expect, it } from 'vitest';
import { diffMessage, useDiffPanels } from './diffFixtures';

const panel = useDiffPanels();

/** A complete Dataset Diff state with this tree width. */
const stateWith = (treeWidth: number): Record<string, unknown> => ({
  selected: null,
  collapsed: [],
  filter: '',
  kinds: ['added', 'removed', 'modified', 'renamed'],
  treeWidth,
  offset: 0,
  keys: null,
});

const treeWidth = async (p: Awaited<ReturnType<typeof panel>>): Promise<number | undefined> =>
  (await p.page.locator('.tree-pane').boundingBox())?.width;

describe('Panel state kept per workspace', () => {
  it('starts from the state the host stored for the workspace', async () => {
    const p = await panel({ theme: 'dark', persist: { state: stateWith(420) } });
    await p.send(diffMessage());
    expect(await treeWidth(p)).toBe(420);
  });

  it("prefers the state VS Code restored for this panel (it was hidden and shown) to the workspace's", async () => {
    const p = await panel({ theme: 'dark', state: stateWith(380), persist: { state: stateWith(420) } });
    await p.send(diffMessage());
    expect(await treeWidth(p)).toBe(380);
  });

  it('posts the saved state for the host to store: the first change of a burst at once, the last when it ends', async () => {
    const p = await panel({ theme: 'dark', persist: { state: null } });
    await p.send(diffMessage());
    expect(await treeWidth(p)).toBe(340);
    const sash = p.page.getByRole('separator', { name: 'Resize the file tree' });
    await sash.focus();
    for (let i = 0; i < 4; i++) await p.page.keyboard.press('ArrowRight');
    await expect
      .poll(async () => ((await p.persisted()).at(-1) as { treeWidth?: number } | undefined)?.treeWidth, {
        timeout: 3000,
      })
      .toBe(420);
    const widths = (await p.persisted()).map((s) => (s as { treeWidth: number }).treeWidth);
    expect(widths[0]).toBe(360); // the first change, not held back
    expect(widths.length).toBeLessThanOrEqual(3); // a burst of four, gathered
    // The host's own messages are untouched: none of them is a persistState.
    expect((await p.posted()).map((m) => (m as { type: string }).type)).not.toContain('persistState');
  });

  it('tells the host at once the state VS Code restored (it may be newer than the workspace copy)', async () => {
    const p = await panel({ theme: 'dark', state: stateWith(380), persist: { state: stateWith(420) } });
    await expect.poll(() => p.persisted()).toEqual([stateWith(380)]);
  });

  it('falls back to the defaults when the stored state is damaged, and posts nothing without a host store', async () => {
    const p = await panel({ theme: 'dark', persist: { state: { treeWidth: 'wide' } } });
    await p.send(diffMessage());
    expect(await treeWidth(p)).toBe(340);
    const plain = await panel({ theme: 'dark' });
    await plain.send(diffMessage());
    const sash = plain.page.getByRole('separator', { name: 'Resize the file tree' });
    await sash.focus();
    await plain.page.keyboard.press('ArrowRight');
    await plain.page.waitForTimeout(600);
    expect(await plain.persisted()).toEqual([]);
    expect(await plain.savedState()).toMatchObject({ treeWidth: 360 });
  });
});
