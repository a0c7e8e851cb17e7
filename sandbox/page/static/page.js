// The sandbox page's browser side. The server renders Block Kit into plain node trees;
// this script only builds them with createElement/textContent (never innerHTML), reports what the
// person does, and asks the server for the next state. Nothing here talks to the app directly.

const page = {
  user: new URLSearchParams(location.search).get('user') || '',
  tab: 'channel',
  version: null,
  /** JSON of what each region shows, so an unchanged region is not rebuilt (focus and typing survive). */
  shown: {},
  modalViewId: null,
  /** What the person typed per view id: kept when a view is updated, pushed over, or returned to. */
  typed: new Map(),
  expandedThreads: new Set(),
  poll: null,
  busy: false,
  /** The shortcuts the app declares (manifest.yml), by type. */
  shortcuts: [],
};

const $ = (id) => document.getElementById(id);

function mount(node) {
  if (typeof node === 'string') return document.createTextNode(node);
  const el = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs || {})) {
    if (/^on/i.test(name)) continue;
    if (name === 'href' && !/^(https?:|mailto:)/i.test(value)) continue;
    el.setAttribute(name, value);
  }
  for (const child of node.children || []) el.appendChild(mount(child));
  return el;
}

async function call(path, body) {
  const res = await fetch(`/sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: page.user, ...body }),
  });
  const answer = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
  if (answer.ok === false) toast(answer.error);
  return answer;
}

let toastTimer;
function toast(text) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 5000);
}

// ---- state from the server -------------------------------------------------------------------

async function pollLoop() {
  for (;;) {
    const controller = new AbortController();
    page.poll = controller;
    const asked = page.user;
    const since = page.version === null ? '' : `&since=${page.version}`;
    try {
      const res = await fetch(`/sandbox/state?user=${encodeURIComponent(asked)}${since}`, {
        signal: controller.signal,
      });
      const state = await res.json();
      if (page.user === asked) apply(state);
    } catch (err) {
      if (err.name !== 'AbortError') await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Restart the wait at once (after switching user): the pending answer is for the old view of things. */
function refresh() {
  page.version = null;
  page.shown = {};
  page.poll?.abort();
}

function apply(state) {
  page.user = state.me.id;
  page.version = state.version;
  renderSwitcher(state);
  $('channel-name').textContent = `# ${state.channel.name}`;
  $('composer-input').placeholder = `Message #${state.channel.name} — try /pivotal help`;
  region('timeline', state.timeline, $('channel-timeline'), { stickToBottom: true });
  region('messages', state.messages, $('dm-timeline'), { stickToBottom: true });
  region('home', state.home, $('home-view'), {});
  page.shortcuts = state.shortcuts || [];
  if (state.pivotal) region('pivotal', state.pivotal, $('pivotal-panel'), {});
  else $('pivotal-panel').replaceChildren(document.createTextNode('No Pivotal simulator runs beside this page.'));
  renderModal(state.modal);
  showTab(page.tab);
  document.body.dataset.version = String(state.version);
}

function renderSwitcher(state) {
  const select = $('user-switcher');
  const key = JSON.stringify(state.users);
  if (page.shown.users !== key) {
    page.shown.users = key;
    select.replaceChildren(
      ...state.users.map((u) =>
        mount({
          tag: 'option',
          attrs: { value: u.id },
          children: [`${u.real_name || u.name}${u.is_admin ? ' (admin)' : ''}`],
        }),
      ),
    );
  }
  select.value = state.me.id;
}

function region(name, node, container, { stickToBottom }) {
  const key = JSON.stringify(node);
  if (page.shown[name] === key) return;
  page.shown[name] = key;
  const scroller = container.closest('.scroll') || container;
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  container.replaceChildren(mount(node));
  for (const ts of page.expandedThreads) setThread(container, ts, true);
  if (stickToBottom && atBottom) scroller.scrollTop = scroller.scrollHeight;
}

function renderModal(modal) {
  const layer = $('modal-layer');
  const key = JSON.stringify(modal);
  if (page.shown.modal === key) return;
  page.shown.modal = key;
  const current = layer.querySelector('.modal');
  // Only what the person changed is carried over: an untouched field shows the app's new initial value.
  if (current && page.modalViewId) page.typed.set(page.modalViewId, readInputs(current, { touchedOnly: true }));
  page.modalViewId = modal ? modal.viewId : null;
  if (!modal) {
    layer.replaceChildren();
    layer.hidden = true;
    return;
  }
  const el = mount(modal.node);
  layer.replaceChildren(el);
  layer.hidden = false;
  restoreInputs(el, page.typed.get(modal.viewId) || []);
}

function showTab(tab) {
  page.tab = tab;
  for (const pane of document.querySelectorAll('[data-pane]')) pane.hidden = pane.dataset.pane !== tab;
  for (const item of document.querySelectorAll('[data-tab]')) item.classList.toggle('active', item.dataset.tab === tab);
  $('pane-title').textContent = {
    channel: $('channel-name').textContent,
    home: 'Pivotal — Home',
    messages: 'Pivotal — Messages',
    pivotal: 'Pivotal (simulator) — as someone in Pivotal',
  }[tab];
}

function setThread(root, ts, open) {
  for (const thread of root.querySelectorAll(`[data-thread-of="${CSS.escape(ts)}"]`)) {
    thread.querySelector('.thread-replies').hidden = !open;
    thread.classList.toggle('open', open);
  }
}

// ---- reading and restoring what the person entered --------------------------------------------

const STATELESS = new Set(['button', 'overflow']);

function readControl(el) {
  const type = el.dataset.type;
  if (type === 'checkboxes' || type === 'radio_buttons') {
    const checked = [...el.querySelectorAll('input:checked')].map((i) => i.value);
    return type === 'checkboxes' ? { values: checked } : { value: checked[0] ?? null };
  }
  if (type === 'external_select')
    return { value: el.dataset.value || null, ...(el.dataset.label ? { label: el.dataset.label } : {}) };
  if (el.tagName === 'SELECT' && el.multiple)
    return { values: [...el.selectedOptions].map((o) => o.value).filter(Boolean) };
  return { value: el.value === '' ? null : el.value };
}

/** The controls of one surface: a message's thread replies are surfaces of their own. */
function readInputs(root, { touchedOnly = false } = {}) {
  return [...root.querySelectorAll('[data-action-id][data-block-id]')]
    .filter((el) => el.closest('[data-surface]') === root && !STATELESS.has(el.dataset.type))
    .filter((el) => !touchedOnly || el.dataset.touched === '1')
    .map((el) => ({ block_id: el.dataset.blockId, action_id: el.dataset.actionId, ...readControl(el) }));
}

function restoreInputs(root, inputs) {
  for (const input of inputs) {
    const el = root.querySelector(
      `[data-block-id="${CSS.escape(input.block_id)}"][data-action-id="${CSS.escape(input.action_id)}"]`,
    );
    if (!el) continue;
    el.dataset.touched = '1';
    if (el.dataset.type === 'checkboxes' || el.dataset.type === 'radio_buttons') {
      const chosen = new Set(input.values || (input.value ? [input.value] : []));
      for (const box of el.querySelectorAll('input')) box.checked = chosen.has(box.value);
    } else if (el.dataset.type === 'external_select') {
      el.dataset.value = input.value || '';
      el.dataset.label = input.label || '';
      el.value = input.label || '';
    } else if (el.tagName === 'SELECT' && el.multiple) {
      for (const option of el.options) option.selected = (input.values || []).includes(option.value);
    } else {
      el.value = input.value ?? '';
    }
  }
}

// ---- sending interactions ----------------------------------------------------------------------

function surfaceOf(el) {
  const root = el.closest('[data-surface]');
  const d = root.dataset;
  if (d.surface === 'view') return { root, where: { kind: 'view', viewId: d.viewId } };
  if (d.surface === 'message') return { root, where: { kind: 'message', channel: d.channel, ts: d.ts } };
  return { root, where: { kind: 'ephemeral', id: d.ephemeralId } };
}

function confirmed(el) {
  if (!el.dataset.confirm) return true;
  const c = JSON.parse(el.dataset.confirm);
  return window.confirm(`${c.title}\n\n${c.text}\n\n[${c.confirm}] or [${c.deny}]`);
}

async function sendAction(el, value) {
  const { root, where } = surfaceOf(el);
  await call('action', {
    where,
    action: { block_id: el.dataset.blockId, action_id: el.dataset.actionId, ...value },
    inputs: readInputs(root),
  });
}

function requiredProblems(modal) {
  let problems = 0;
  for (const block of modal.querySelectorAll('.bk-input')) {
    const control = block.querySelector('[data-action-id]');
    const error = block.querySelector('.bk-error');
    if (!control || !error) continue;
    const value = readControl(control);
    const empty = value.values ? value.values.length === 0 : !value.value;
    let message = '';
    if (empty && block.dataset.optional !== '1') message = 'Please complete this required field.';
    else if (!empty && typeof control.checkValidity === 'function' && !control.checkValidity())
      message = control.validationMessage;
    if (message) {
      error.textContent = message;
      error.hidden = false;
      error.dataset.client = '1';
      problems += 1;
    }
  }
  return problems;
}

async function submitModal(modal) {
  if (page.busy) return;
  // Like Slack's client: required fields and field formats are checked before anything is sent.
  if (requiredProblems(modal)) return;
  page.busy = true;
  modal.classList.add('busy');
  try {
    await call('submit', { viewId: modal.dataset.viewId, inputs: readInputs(modal) });
  } finally {
    page.busy = false;
    modal.classList.remove('busy');
  }
}

/** `/pivotal …` goes to the app as a command; anything else is a message in the channel, as in Slack. */
async function sendComposed(text) {
  const trimmed = text.trim();
  if (!trimmed) return;
  if (!trimmed.startsWith('/')) return void (await call('say', { text: trimmed }));
  const match = trimmed.match(/^\/pivotal(?:\s+([\s\S]*))?$/);
  if (!match) return toast(`${trimmed.split(/\s/)[0]} is not a command here. Try /pivotal help.`);
  await call('command', { text: match[1] || '' });
}

// ---- shortcut menus: "⋯" on a message, ⚡ in the composer -------------------------------------

function openMenu(anchor, items) {
  const menu = $('menu');
  if (!items.length) items = [{ label: 'The app declares no shortcuts here.', attrs: { disabled: '' } }];
  menu.replaceChildren(
    ...items.map((item) =>
      mount({
        tag: 'button',
        attrs: { type: 'button', class: 'menu-item', role: 'menuitem', ...item.attrs },
        children: [item.label],
      }),
    ),
  );
  const box = anchor.getBoundingClientRect();
  menu.hidden = false;
  menu.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - menu.offsetWidth - 8))}px`;
  menu.style.top = `${Math.min(box.bottom + 4, window.innerHeight - menu.offsetHeight - 8)}px`;
}

function closeMenu() {
  $('menu').hidden = true;
}

function messageMenu(button) {
  const message = button.closest('[data-surface=message]');
  openMenu(
    button,
    page.shortcuts
      .filter((s) => s.type === 'message')
      .map((s) => ({
        label: s.name,
        attrs: {
          'data-shortcut': s.callback_id,
          'data-channel': message.dataset.channel,
          'data-ts': message.dataset.ts,
        },
      })),
  );
}

function globalMenu(button) {
  openMenu(
    button,
    page.shortcuts
      .filter((s) => s.type === 'global')
      .map((s) => ({ label: s.name, attrs: { 'data-shortcut': s.callback_id } })),
  );
}

async function runShortcut(item) {
  closeMenu();
  const d = item.dataset;
  if (d.ts) await call('message-shortcut', { callback_id: d.shortcut, channel: d.channel, ts: d.ts });
  else await call('global-shortcut', { callback_id: d.shortcut });
}

// ---- the Pivotal panel ---------------------------------------------------------------------------

async function panelOp(el) {
  if (el.dataset.panelConfirm && !window.confirm(el.dataset.panelConfirm)) return;
  const ref = el.closest('[data-panel-ref]')?.dataset.panelRef;
  const form = el.closest('[data-panel-form]');
  const fields = form
    ? Object.fromEntries([...form.querySelectorAll('[name]')].map((f) => [f.getAttribute('name'), f.value]))
    : undefined;
  const answer = await call(`pivotal/${el.dataset.panelOp}`, {
    ...(ref ? { ref } : {}),
    ...(el.tagName === 'BUTTON' ? {} : { value: el.value }),
    ...(fields ? { fields } : {}),
  });
  if (answer.ok) toast(answer.done);
}

// ---- external_select suggestions ---------------------------------------------------------------

let suggestTimer;
function suggestSoon(input) {
  delete input.dataset.value;
  delete input.dataset.label;
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(() => suggest(input), 200);
}

async function suggest(input) {
  const list = input.parentElement.querySelector('.bk-suggestions');
  const min = Number(input.dataset.minQueryLength || 3);
  if (input.value.length < min) {
    list.hidden = true;
    return;
  }
  const { where } = surfaceOf(input);
  const answer = await call('suggest', {
    viewId: where.viewId,
    block_id: input.dataset.blockId,
    action_id: input.dataset.actionId,
    value: input.value,
  });
  if (!answer.ok) return;
  const items = [];
  let group;
  for (const option of answer.options) {
    if (option.group && option.group !== group) {
      group = option.group;
      items.push(mount({ tag: 'li', attrs: { class: 'bk-suggestion-group' }, children: [group] }));
    }
    items.push(
      mount({
        tag: 'li',
        children: [
          {
            tag: 'button',
            attrs: { type: 'button', class: 'bk-suggestion', 'data-suggestion': option.value },
            children: [option.text],
          },
        ],
      }),
    );
  }
  if (!items.length) items.push(mount({ tag: 'li', attrs: { class: 'bk-suggestion-none' }, children: ['No results'] }));
  list.replaceChildren(...items);
  list.hidden = false;
}

async function chooseSuggestion(button) {
  const input = button.closest('.bk-external').querySelector('.bk-external-input');
  input.dataset.value = button.dataset.suggestion;
  input.dataset.label = button.textContent;
  input.value = button.textContent;
  input.dataset.touched = '1';
  button.closest('.bk-suggestions').hidden = true;
  if (input.dataset.dispatch === '1' && confirmed(input)) await sendAction(input, readControl(input));
}

// ---- wiring ------------------------------------------------------------------------------------

document.addEventListener('click', (event) => {
  const target = event.target.closest('button, a, [data-tab]');
  if (!target?.closest('#menu') && !target?.matches('[data-message-menu], #shortcuts-button')) closeMenu();
  if (!target) return;
  if (target.matches('#menu [data-shortcut]')) return void runShortcut(target);
  if (target.matches('[data-message-menu]')) return messageMenu(target);
  if (target.matches('#shortcuts-button')) return globalMenu(target);
  if (target.matches('button[data-panel-op]')) return void panelOp(target);
  if (target.dataset.tab) {
    showTab(target.dataset.tab);
    if (target.dataset.tab === 'home') void call('home', {});
    return;
  }
  if (target.matches('[data-modal-submit]')) return void submitModal(target.closest('.modal'));
  if (target.matches('[data-modal-close]'))
    return void call('close', { viewId: target.closest('.modal').dataset.viewId });
  if (target.dataset.threadToggle) {
    const ts = target.dataset.threadToggle;
    const open = !page.expandedThreads.has(ts);
    if (open) page.expandedThreads.add(ts);
    else page.expandedThreads.delete(ts);
    setThread(document, ts, open);
    return;
  }
  if (target.dataset.suggestion !== undefined) return void chooseSuggestion(target);
  if (target.dataset.type === 'button') {
    if (!confirmed(target)) return event.preventDefault();
    void sendAction(target, {});
  }
});

function markTouched(event) {
  const el = event.target.closest?.('[data-action-id]');
  if (el) el.dataset.touched = '1';
}

document.addEventListener('change', (event) => {
  if (event.target.matches('select[data-panel-op], input[data-panel-op]')) return void panelOp(event.target);
  markTouched(event);
  const el = event.target.closest('[data-action-id]');
  if (!el || el.dataset.dispatch !== '1') return;
  const type = el.dataset.type;
  // Text inputs dispatch on Enter, external selects when an option is chosen.
  if (
    ['plain_text_input', 'number_input', 'email_text_input', 'url_text_input', 'external_select', 'button'].includes(
      type,
    )
  )
    return;
  if (!confirmed(el)) {
    if (type === 'overflow') el.value = '';
    return;
  }
  void sendAction(el, readControl(el)).finally(() => {
    if (type === 'overflow') el.value = '';
  });
});

document.addEventListener('input', (event) => {
  markTouched(event);
  if (event.target.matches('.bk-external-input')) suggestSoon(event.target);
  // Our own "required" notes go once the person types; the app's errors stay until the next submit.
  const error = event.target.closest('.bk-input')?.querySelector('.bk-error[data-client]');
  if (error) error.hidden = true;
});

document.addEventListener('keydown', (event) => {
  // Escape closes the open menu, else the top modal (its close button: view_closed when the app asked).
  if (event.key === 'Escape') {
    if (!$('menu').hidden) return closeMenu();
    const modal = $('modal-layer').querySelector('.modal');
    if (modal) {
      event.preventDefault();
      void call('close', { viewId: modal.dataset.viewId });
    }
    return;
  }
  const el = event.target;
  if (event.key !== 'Enter' || event.shiftKey || !el.matches('input[data-action-id]')) return;
  event.preventDefault();
  if (el.dataset.dispatch === '1' && el.dataset.type !== 'external_select') void sendAction(el, readControl(el));
});

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('composer-input');
  const text = input.value;
  input.value = '';
  void sendComposed(text);
});

$('user-switcher').addEventListener('change', (event) => {
  page.user = event.target.value;
  const url = new URL(location.href);
  url.searchParams.set('user', page.user);
  history.replaceState(null, '', url);
  refresh();
  if (page.tab === 'home') void call('home', {});
});

showTab('channel');
void pollLoop();
