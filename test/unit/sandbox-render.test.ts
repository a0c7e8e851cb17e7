import { describe, expect, it } from 'vitest';
import type { ModalView } from '@slack/types';
import { renderBlocks, renderText, type RenderContext } from '../../sandbox/page/render.js';
import { renderMrkdwn } from '../../sandbox/page/mrkdwn.js';
import { renderMessage, renderModal } from '../../sandbox/page/surfaces.js';
import type { VElement } from '../../sandbox/page/vnode.js';
import { testKeyLabelBlock } from '../../src/views/test-key-label.js';
import { byAttr, findAll, textOf } from '../harness/vnode-query.js';

const ctx: RenderContext = {
  users: [
    { id: 'U0CSM', name: 'casey', real_name: 'Casey CSM' },
    { id: 'U0ADMIN', name: 'ada', real_name: 'Ada Admin' },
  ],
  channels: [{ id: 'C0ONBOARD', name: 'onboarding' }],
};

const md = (text: string) => renderMrkdwn(text, ctx);
const tags = (nodes: ReturnType<typeof md>) => nodes.map((n) => (typeof n === 'string' ? n : `<${n.tag}>${textOf(n)}`));
const control = (nodes: VElement[], actionId: string) => {
  const found = byAttr(nodes, 'data-action-id', actionId);
  expect(found, `control ${actionId}`).toHaveLength(1);
  return found[0]!;
};

describe('mrkdwn', () => {
  it('renders bold, italic, strike, code and pre as elements', () => {
    expect(tags(md('a *bold* b _it_ c ~gone~ d `x*y*z`'))).toEqual([
      'a ',
      '<strong>bold',
      ' b ',
      '<em>it',
      ' c ',
      '<s>gone',
      ' d ',
      '<code>x*y*z',
    ]);
    const pre = md('before\n```line 1\n*not bold*```after');
    expect(tags(pre)).toEqual(['before\n', '<pre>line 1\n*not bold*', 'after']);
  });

  it('nests formatting and keeps it to word edges', () => {
    const [bold] = md('*_both_*') as VElement[];
    expect(bold!.tag).toBe('strong');
    expect((bold!.children![0] as VElement).tag).toBe('em');
    expect(textOf(md('snake_case_name and 2*3*4'))).toBe('snake_case_name and 2*3*4');
    expect(findAll(md('snake_case_name and 2*3*4'), () => true)).toHaveLength(0);
  });

  it('turns links, user and channel mentions into safe nodes with the demo names', () => {
    const nodes = md(
      '*<https://my.pivotal.app/customers/7|Acme & Co>* for <@U0CSM> in <#C0ONBOARD> and <#C999|elsewhere> <@U404>',
    );
    const link = findAll(nodes, (el) => el.tag === 'a')[0]!;
    expect(link.attrs).toMatchObject({ href: 'https://my.pivotal.app/customers/7', target: '_blank' });
    expect(textOf(link)).toBe('Acme & Co');
    expect(findAll(nodes, (el) => el.tag === 'strong').map(textOf)).toEqual(['Acme & Co']);
    expect(textOf(nodes)).toBe('Acme & Co for @Casey CSM in #onboarding and #elsewhere @U404');
  });

  it('shows <!here> and <!channel> as text, and decodes entities into text', () => {
    expect(textOf(md('<!here> <!channel> &lt;b&gt; &amp;'))).toBe('@here @channel <b> &');
  });

  it('shows the emoji of a shortcode it knows, outside code; others stay as typed', () => {
    expect(textOf(md(':test_tube: *TEST MODE* :white_check_mark: `:x:` :not_a_known_one:'))).toBe(
      '🧪 TEST MODE ✅ :x: :not_a_known_one:',
    );
    expect(textOf(renderText({ type: 'plain_text', text: ':warning: Careful', emoji: true }, ctx))).toBe('⚠️ Careful');
    expect(textOf(renderText({ type: 'plain_text', text: ':warning: Careful', emoji: false }, ctx))).toBe(
      ':warning: Careful',
    );
    expect(textOf(renderText({ type: 'plain_text', text: ':constructor: :__proto__: :toString:' }, ctx))).toBe(
      ':constructor: :__proto__: :toString:',
    );
  });

  it('never turns app text into markup or a script link', () => {
    const nodes = md('&lt;img src=x onerror=alert(1)&gt; <javascript:alert(1)|click me> <script>');
    expect(findAll(nodes, (el) => el.tag !== 'span')).toEqual([]);
    expect(textOf(nodes)).toBe('<img src=x onerror=alert(1)> click me script');
  });

  it('quotes lines that start with >', () => {
    const nodes = md('reason:\n&gt; customer asked for more time\n&gt; twice\nend');
    const quote = findAll(nodes, (el) => el.tag === 'blockquote');
    expect(quote.map(textOf)).toEqual(['customer asked for more time\ntwice']);
  });
});

describe('Block Kit renderer', () => {
  it('renders a placeholder for an unknown block or element, and the rest of the surface still renders', () => {
    const nodes = renderBlocks(
      [
        { type: 'header', text: { type: 'plain_text', text: 'Before' } },
        { type: 'hologram', block_id: 'h1' },
        {
          type: 'actions',
          elements: [
            { type: 'teleporter', action_id: 't' },
            { type: 'button', action_id: 'ok', text: { type: 'plain_text', text: 'OK' } },
          ],
        },
        'not even an object',
        { type: 'section', text: { type: 'mrkdwn', text: 'After' } },
      ],
      ctx,
    );
    expect(nodes).toHaveLength(5);
    expect(byAttr(nodes, 'data-unsupported').map(textOf)).toEqual([
      'Unsupported block: hologram',
      'Unsupported element: teleporter',
      'Unsupported block: string',
    ]);
    expect(textOf(nodes)).toContain('Before');
    expect(textOf(nodes)).toContain('After');
    expect(textOf(control(nodes, 'ok'))).toBe('OK');
  });

  it('shrugs off malformed blocks, and turns a block that still fails to render into a visible note', () => {
    const exploding = {
      type: 'section',
      get text(): unknown {
        throw new Error('boom');
      },
    };
    const nodes = renderBlocks(
      [
        { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: 'oops' }] },
        { type: 'section', fields: 'x', accessory: 42 },
        exploding,
        { type: 'divider' },
      ],
      ctx,
    );
    expect(nodes).toHaveLength(4);
    expect(textOf(nodes[2]!)).toBe('Could not render section block: boom');
    expect(nodes[3]!.tag).toBe('hr');
  });

  it('renders header, section with text, fields and accessory, context, divider and image', () => {
    const nodes = renderBlocks(
      [
        { type: 'header', block_id: 'hd', text: { type: 'plain_text', text: 'Acme <Rockets>' } },
        {
          type: 'section',
          block_id: 'card',
          text: { type: 'mrkdwn', text: '*Acme*' },
          fields: [
            { type: 'mrkdwn', text: '*Phase*\nReview' },
            { type: 'plain_text', text: 'Target: 2026-07-01' },
          ],
          accessory: {
            type: 'overflow',
            action_id: 'more',
            options: [{ text: { type: 'plain_text', text: 'Open in Pivotal' }, value: 'open' }],
          },
        },
        {
          type: 'context',
          elements: [
            { type: 'image', image_url: 'https://x/y.png', alt_text: 'logo' },
            { type: 'mrkdwn', text: 'by <@U0ADMIN>' },
          ],
        },
        { type: 'divider' },
        {
          type: 'image',
          image_url: 'https://x/chart.png',
          alt_text: 'pipeline chart',
          title: { type: 'plain_text', text: 'Chart' },
        },
      ],
      ctx,
    );
    expect(textOf(nodes[0]!)).toBe('Acme <Rockets>');
    expect(nodes[0]!.attrs).toMatchObject({ 'data-block-id': 'hd', class: 'bk-block bk-header' });
    expect(findAll(nodes[1]!, (el) => el.attrs?.class === 'bk-field').map(textOf)).toEqual([
      'Phase\nReview',
      'Target: 2026-07-01',
    ]);
    const overflow = control(nodes, 'more');
    expect(overflow.attrs).toMatchObject({ 'data-block-id': 'card', 'data-type': 'overflow', 'data-dispatch': '1' });
    expect(textOf(overflow)).toBe('⋯Open in Pivotal');
    expect(textOf(nodes[2]!)).toBe('[image: logo]by @Ada Admin');
    expect(nodes[3]!.tag).toBe('hr');
    expect(textOf(nodes[4]!)).toBe('Chart[image: pipeline chart]');
    expect(findAll(nodes, (el) => el.tag === 'img')).toEqual([]);
  });

  it('renders buttons with style, url buttons for a new tab and confirm dialogs', () => {
    const confirm = {
      title: { type: 'plain_text', text: 'Skip ahead?' },
      text: { type: 'mrkdwn', text: 'This skips *Review*.' },
      confirm: { type: 'plain_text', text: 'Skip' },
      deny: { type: 'plain_text', text: 'Back' },
    };
    const nodes = renderBlocks(
      [
        {
          type: 'actions',
          block_id: 'acts',
          elements: [
            {
              type: 'button',
              action_id: 'advance',
              style: 'primary',
              value: 'onb_1',
              text: { type: 'plain_text', text: 'Advance' },
            },
            { type: 'button', action_id: 'skip', style: 'danger', text: { type: 'plain_text', text: 'Skip' }, confirm },
            {
              type: 'button',
              action_id: 'open',
              url: 'https://my.pivotal.app/onboardings/1',
              text: { type: 'plain_text', text: 'Open' },
            },
            {
              type: 'button',
              action_id: 'evil',
              url: 'javascript:alert(1)',
              text: { type: 'plain_text', text: 'Evil' },
            },
            { type: 'button', text: { type: 'plain_text', text: 'No id' } },
          ],
        },
      ],
      ctx,
    );
    expect(control(nodes, 'advance').attrs).toMatchObject({
      class: 'bk-button bk-primary',
      'data-value': 'onb_1',
      'data-type': 'button',
    });
    const skip = control(nodes, 'skip');
    expect(skip.attrs!.class).toBe('bk-button bk-danger');
    expect(JSON.parse(skip.attrs!['data-confirm']!)).toEqual({
      title: 'Skip ahead?',
      text: 'This skips *Review*.',
      confirm: 'Skip',
      deny: 'Back',
    });
    const open = control(nodes, 'open');
    expect(open).toMatchObject({ tag: 'a', attrs: { href: 'https://my.pivotal.app/onboardings/1', target: '_blank' } });
    expect(control(nodes, 'evil')).toMatchObject({ tag: 'button' });
    expect(control(nodes, 'evil').attrs!.href).toBeUndefined();
    // Slack gives an id to an element that has none; so does the page, stably.
    expect(control(nodes, 'auto-action-0-4').attrs!['data-block-id']).toBe('acts');
  });

  it('renders every input the app uses, with initial values, hints, optional marks and errors', () => {
    const blocks = [
      {
        type: 'input',
        block_id: 'name',
        label: { type: 'plain_text', text: 'Customer name' },
        hint: { type: 'plain_text', text: 'As the customer writes it' },
        element: { type: 'plain_text_input', action_id: 'v', initial_value: 'Acme', max_length: 80 },
      },
      {
        type: 'input',
        block_id: 'notes',
        optional: true,
        label: { type: 'plain_text', text: 'Notes' },
        element: { type: 'plain_text_input', action_id: 'v', multiline: true, initial_value: 'line 1\nline 2' },
      },
      {
        type: 'input',
        block_id: 'phase',
        label: { type: 'plain_text', text: 'Phase' },
        element: {
          type: 'static_select',
          action_id: 'v',
          initial_option: { text: { type: 'plain_text', text: 'Review' }, value: 'review' },
          options: [
            { text: { type: 'plain_text', text: 'Design' }, value: 'program_design' },
            { text: { type: 'plain_text', text: 'Review' }, value: 'review' },
          ],
        },
      },
      {
        type: 'input',
        block_id: 'grouped',
        label: { type: 'plain_text', text: 'Grouped' },
        element: {
          type: 'static_select',
          action_id: 'v',
          option_groups: [
            {
              label: { type: 'plain_text', text: 'Early' },
              options: [{ text: { type: 'plain_text', text: 'Design' }, value: 'd' }],
            },
          ],
        },
      },
      {
        type: 'input',
        block_id: 'customer',
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Customer' },
        element: {
          type: 'external_select',
          action_id: 'pick',
          min_query_length: 1,
          initial_option: { text: { type: 'plain_text', text: 'Acme' }, value: 'cus_1' },
        },
      },
      {
        type: 'input',
        block_id: 'csm',
        label: { type: 'plain_text', text: 'CSM' },
        element: { type: 'users_select', action_id: 'v', initial_user: 'U0ADMIN' },
      },
      {
        type: 'input',
        block_id: 'channel',
        label: { type: 'plain_text', text: 'Channel' },
        element: { type: 'conversations_select', action_id: 'v', initial_conversation: 'C0ONBOARD' },
      },
      {
        type: 'input',
        block_id: 'channel2',
        label: { type: 'plain_text', text: 'Channel' },
        element: { type: 'channels_select', action_id: 'v' },
      },
      {
        type: 'input',
        block_id: 'target',
        label: { type: 'plain_text', text: 'Target' },
        element: { type: 'datepicker', action_id: 'v', initial_date: '2026-07-01' },
      },
      {
        type: 'input',
        block_id: 'flags',
        label: { type: 'plain_text', text: 'Flags' },
        element: {
          type: 'checkboxes',
          action_id: 'v',
          initial_options: [{ text: { type: 'mrkdwn', text: '*Notify*' }, value: 'notify' }],
          options: [
            {
              text: { type: 'mrkdwn', text: '*Notify*' },
              value: 'notify',
              description: { type: 'plain_text', text: 'Post in the channel' },
            },
            { text: { type: 'plain_text', text: 'Other' }, value: 'other' },
          ],
        },
      },
      {
        type: 'input',
        block_id: 'state',
        label: { type: 'plain_text', text: 'State' },
        element: {
          type: 'radio_buttons',
          action_id: 'v',
          initial_option: { text: { type: 'plain_text', text: 'Paused' }, value: 'paused' },
          options: [
            { text: { type: 'plain_text', text: 'Active' }, value: 'active' },
            { text: { type: 'plain_text', text: 'Paused' }, value: 'paused' },
          ],
        },
      },
      {
        type: 'input',
        block_id: 'seats',
        label: { type: 'plain_text', text: 'Seats' },
        element: {
          type: 'number_input',
          action_id: 'v',
          is_decimal_allowed: false,
          min_value: '1',
          initial_value: '5',
        },
      },
      {
        type: 'input',
        block_id: 'email',
        label: { type: 'plain_text', text: 'Email' },
        element: { type: 'email_text_input', action_id: 'v' },
      },
      {
        type: 'input',
        block_id: 'site',
        label: { type: 'plain_text', text: 'Site' },
        element: { type: 'url_text_input', action_id: 'v' },
      },
    ];
    const nodes = renderBlocks(blocks, { ...ctx, errors: { email: 'That is not an email address' }, scope: 'V1' });
    const at = (blockId: string) => byAttr(nodes, 'data-block-id', blockId).find((el) => el.attrs!['data-action-id'])!;

    expect(textOf(nodes[0]!)).toContain('Customer name');
    expect(textOf(nodes[0]!)).toContain('As the customer writes it');
    expect(at('name')).toMatchObject({
      tag: 'input',
      attrs: { type: 'text', value: 'Acme', maxlength: '80', 'data-dispatch': '0' },
    });
    expect(at('notes')).toMatchObject({ tag: 'textarea', children: ['line 1\nline 2'] });
    expect(textOf(nodes[1]!)).toContain('(optional)');
    expect(nodes[1]!.attrs!['data-optional']).toBe('1');
    expect(findAll(at('phase'), (el) => el.attrs?.selected !== undefined).map(textOf)).toEqual(['Review']);
    expect(findAll(at('grouped'), (el) => el.tag === 'optgroup')[0]!.attrs!.label).toBe('Early');
    expect(at('customer').attrs).toMatchObject({
      'data-type': 'external_select',
      'data-min-query-length': '1',
      'data-value': 'cus_1',
      value: 'Acme',
      'data-dispatch': '1',
    });
    expect(findAll(at('csm'), (el) => el.tag === 'option').map(textOf)).toEqual([
      'Select an item',
      'Casey CSM',
      'Ada Admin',
    ]);
    expect(findAll(at('csm'), (el) => el.attrs?.selected !== undefined).map(textOf)).toEqual(['Ada Admin']);
    expect(findAll(at('channel'), (el) => el.attrs?.selected !== undefined).map(textOf)).toEqual(['#onboarding']);
    expect(findAll(at('channel2'), (el) => el.tag === 'option').map(textOf)).toEqual(['Select an item', '#onboarding']);
    expect(at('target').attrs).toMatchObject({ type: 'date', value: '2026-07-01' });
    const boxes = findAll(at('flags'), (el) => el.tag === 'input');
    expect(boxes.map((b) => [b.attrs!.type, b.attrs!.value, b.attrs!.checked])).toEqual([
      ['checkbox', 'notify', ''],
      ['checkbox', 'other', undefined],
    ]);
    expect(textOf(at('flags'))).toBe('NotifyPost in the channelOther');
    const radios = findAll(at('state'), (el) => el.tag === 'input');
    expect(radios.map((r) => [r.attrs!.type, r.attrs!.name, r.attrs!.checked])).toEqual([
      ['radio', 'V1/state/v', undefined],
      ['radio', 'V1/state/v', ''],
    ]);
    expect(at('seats').attrs).toMatchObject({ type: 'number', step: '1', min: '1', value: '5' });
    expect(at('email').attrs).toMatchObject({ type: 'email' });
    expect(at('site').attrs).toMatchObject({ type: 'url' });

    const errors = byAttr(nodes, 'data-error-for');
    expect(
      errors.filter((e) => e.attrs!.hidden === undefined).map((e) => [e.attrs!['data-error-for'], textOf(e)]),
    ).toEqual([['email', 'That is not an email address']]);
  });

  it('renders selects and pickers in actions blocks as dispatching controls', () => {
    const nodes = renderBlocks(
      [
        {
          type: 'actions',
          block_id: 'filters',
          elements: [
            {
              type: 'static_select',
              action_id: 'state',
              placeholder: { type: 'plain_text', text: 'Any state' },
              options: [{ text: { type: 'plain_text', text: 'Paused' }, value: 'paused' }],
            },
            { type: 'users_select', action_id: 'owner' },
            { type: 'datepicker', action_id: 'due' },
            {
              type: 'radio_buttons',
              action_id: 'scope',
              options: [{ text: { type: 'plain_text', text: 'Mine' }, value: 'mine' }],
            },
          ],
        },
      ],
      ctx,
    );
    for (const id of ['state', 'owner', 'due', 'scope']) expect(control(nodes, id).attrs!['data-dispatch']).toBe('1');
    expect(textOf(control(nodes, 'state'))).toBe('Any statePaused');
  });

  it('renders rich_text: styled text, links, mentions, lists, quotes and preformatted text', () => {
    const nodes = renderBlocks(
      [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'Hi ' },
                { type: 'user', user_id: 'U0CSM' },
                { type: 'text', text: ' bold', style: { bold: true } },
                { type: 'emoji', name: 'wave' },
                { type: 'link', url: 'https://x.test', text: 'x' },
                { type: 'channel', channel_id: 'C0ONBOARD' },
                { type: 'broadcast', range: 'here' },
              ],
            },
            {
              type: 'rich_text_list',
              style: 'ordered',
              elements: [
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] },
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'two' }] },
              ],
            },
            { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
            { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'code()' }] },
          ],
        },
      ],
      ctx,
    );
    expect(textOf(nodes)).toBe('Hi @Casey CSM bold:wave:x#onboarding@hereonetwoquotedcode()');
    expect(findAll(nodes, (el) => el.tag === 'strong').map(textOf)).toEqual([' bold']);
    expect(findAll(nodes, (el) => el.tag === 'ol')[0]!.children).toHaveLength(2);
    expect(findAll(nodes, (el) => ['blockquote', 'pre'].includes(el.tag)).map(textOf)).toEqual(['quoted', 'code()']);
  });

  it('renders the test-key label the app puts on every surface', () => {
    const nodes = renderBlocks(testKeyLabelBlock('test'), ctx);
    expect(textOf(nodes)).toContain('TEST MODE');
    expect(nodes[0]!.attrs!['data-block-id']).toBe('test_key_label');
  });
});

describe('surfaces', () => {
  it('frames a modal with its title, submit and close, and warns past Slack’s block limit', () => {
    const view: ModalView = {
      type: 'modal',
      callback_id: 'onboard',
      title: { type: 'plain_text', text: 'Onboard' },
      submit: { type: 'plain_text', text: 'Create' },
      blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })),
    };
    const modal = renderModal(
      { viewId: 'V1', view, depth: 2, trouble: 'We had some trouble connecting. Try again?' },
      ctx,
    );
    expect(modal.attrs).toMatchObject({ 'data-surface': 'view', 'data-view-id': 'V1', 'data-callback-id': 'onboard' });
    expect(byAttr(modal, 'data-modal-submit').map(textOf)).toEqual(['Create']);
    expect(byAttr(modal, 'data-modal-close').map(textOf)).toEqual(['‹', '×', 'Cancel']);
    expect(textOf(modal)).toContain('This modal has 101 blocks; Slack refuses more than 100.');
    expect(textOf(modal)).toContain('We had some trouble connecting');
  });

  it('shows a message’s blocks (not its fallback text), the ephemeral mark and its thread replies', () => {
    const reply = {
      ref: { kind: 'message' as const, channel: 'C0ONBOARD', ts: '2.0' },
      author: 'Pivotal',
      app: true,
      text: 'Moved to *Review*',
      ephemeral: false,
      edited: false,
      replies: [],
    };
    const node = renderMessage(
      {
        ref: { kind: 'message', channel: 'C0ONBOARD', ts: '1.0' },
        author: 'Pivotal',
        app: true,
        text: 'fallback',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Acme onboarding' } }],
        ephemeral: false,
        edited: true,
        replies: [reply],
      },
      ctx,
    );
    expect(node.attrs).toMatchObject({ 'data-surface': 'message', 'data-channel': 'C0ONBOARD', 'data-ts': '1.0' });
    expect(textOf(node)).not.toContain('fallback');
    expect(textOf(node)).toContain('(edited)');
    expect(byAttr(node, 'data-thread-toggle', '1.0').map(textOf)).toEqual(['1 reply']);
    expect(byAttr(node, 'data-ts', '2.0').map(textOf)[0]).toContain('Moved to Review');
    const ephemeral = renderMessage(
      {
        ref: { kind: 'ephemeral', id: 'E1' },
        author: 'Pivotal',
        app: true,
        text: 'just you',
        ephemeral: true,
        edited: false,
        replies: [],
      },
      ctx,
    );
    expect(textOf(ephemeral)).toContain('Only visible to you');
    // Message shortcuts ("⋯") on every message but an ephemeral one; a person's message has no APP badge.
    expect(byAttr(node, 'data-message-menu', '')).toHaveLength(2);
    expect(byAttr(ephemeral, 'data-message-menu', '')).toHaveLength(0);
    const person = renderMessage(
      {
        ref: { kind: 'message', channel: 'C0ONBOARD', ts: '3.0' },
        author: 'Casey CSM',
        app: false,
        text: 'closed-won: Acme',
        ephemeral: false,
        edited: false,
        replies: [],
      },
      ctx,
    );
    expect(textOf(person)).not.toContain('APP');
    expect(byAttr(person, 'data-message-menu', '')).toHaveLength(1);
  });
});
