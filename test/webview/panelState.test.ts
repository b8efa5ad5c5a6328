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

  it('posts the saved state for the host to store, once per burst of changes', async () => {
    const p = await panel({ theme: 'dark', persist: { state: null } });
    await p.send(diffMessage());
    expect(await treeWidth(p)).toBe(340);
    const sash = p.page.getByRole('separator', { name: 'Resize the file tree' });
    await sash.focus();
    for (let i = 0; i < 4; i++) await p.page.keyboard.press('ArrowRight');
    await expect.poll(() => p.persisted(), { timeout: 3000 }).toHaveLength(1);
    expect((await p.persisted())[0]).toMatchObject({ treeWidth: 420 });
    // The host's own messages are untouched: none of them is a persistState.
    expect((await p.posted()).map((m) => (m as { type: string }).type)).not.toContain('persistState');
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
