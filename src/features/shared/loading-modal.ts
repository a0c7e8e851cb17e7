import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';

/** What a modal opened as "loading" shows when filling it failed: nothing was changed, try again. */
export const FILL_FAILED_TEXT =
  ':warning: Something went wrong on our side and nothing was changed. Try again in a moment.';

/**
 * Replaces a modal opened as "loading" with the view `build` returns. When building fails, the modal
 * shows `failed` instead of loading for ever, and the error goes on to the one error path. `shown`
 * hears of whichever view is shown (a move remembers it as the answer to its submission).
 */
export async function fillLoadingModal(
  client: WebClient,
  viewId: string,
  build: () => Promise<ModalView>,
  failed: () => ModalView,
  shown: (view: ModalView) => Promise<void> = async () => undefined,
): Promise<void> {
  let view: ModalView;
  try {
    view = await build();
  } catch (err) {
    const failure = failed();
    await shown(failure).catch(() => undefined);
    await client.views.update({ view_id: viewId, view: failure }).catch(() => undefined);
    throw err;
  }
  await shown(view);
  await client.views.update({ view_id: viewId, view });
}
