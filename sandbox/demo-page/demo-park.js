// The demo page's park and resume: park the demo agent's conversation, write as the customer
// (the sandbox-only /demo/sandbox/customer-message: the fake posts onMessageAdded, signed, to
// /webhooks/conversations), offer the resumed task to the demo agent (/demo/sandbox/offer, to:
// agent), and list parked conversations, each resumable now. `ui` is demo.js's helpers.

/** The park buttons of a channel whose participants are shown. */
export function parkButtons(ui, channel, task) {
  const { $, show, failed, button, client, config } = ui;
  const participants = () => ui.participants(channel, true);
  const park = async () => {
    try {
      show(await client().parkChannel(task));
    } catch (err) {
      failed(err);
      return;
    }
    await participants();
    await listParked(ui, true);
  };
  const customer = async () => {
    const r = await fetch('./sandbox/customer-message', { method: 'POST', body: JSON.stringify({ channelSid: channel.sid }) });
    const answer = await r.json();
    show(answer);
    const resumed = (answer.tasks || []).find((t) => t.resumed && t.assignmentStatus === 'pending');
    $('offer').replaceChildren(...(resumed ? offerResumed(ui, participants, resumed.sid) : []));
    await listParked(ui, true);
  };
  $('park').replaceChildren(
    ...(config.parking
      ? [button('Park (free the agent)', { park: channel.sid }, park), button('Customer: send a message', { customer: channel.sid }, customer)]
      : []),
  );
}

// A resumed park's task, offered to the demo agent (who parked it) through the sandbox.
function offerResumed(ui, participants, taskSid) {
  const { $, show, button } = ui;
  const answer = (how) => async () => {
    const r = await fetch('./sandbox/offer', { method: 'POST', body: JSON.stringify({ taskSid, answer: how, to: 'agent' }) });
    show(await r.json());
    $('offer').replaceChildren();
    await participants();
  };
  return [
    button('Demo agent: accept resumed task', { resumed: 'accept' }, answer('accept')),
    button('Demo agent: decline', { resumed: 'decline' }, answer('decline')),
  ];
}

// The parked conversations the chosen caller may see (a supervisor all, an agent their own), each resumable now.
export async function listParked(ui, keepAnswer = false) {
  const { $, show, failed, button, cell, code, client } = ui;
  let answer;
  try {
    answer = await client().listParked({ pageSize: 50 });
  } catch (err) {
    if (!keepAnswer) failed(err);
    return;
  }
  if (!keepAnswer) show(answer);
  $('parked').replaceChildren(
    ...answer.parked.map((p) => {
      const tr = document.createElement('tr');
      const resume = async () => {
        try {
          const r = await client().resumeChannel(p);
          show(r);
          // A click resumes as a message does: the new task is offered to the demo agent.
          if (r.action === 'resumed' && r.task && r.task.sid) $('offer').replaceChildren(...offerResumed(ui, async () => undefined, r.task.sid));
        } catch (err) {
          failed(err);
        }
        await listParked(ui, true);
      };
      const actions = document.createElement('td');
      actions.append(button('Resume now', { resume: p.channelSid }, resume));
      tr.append(
        code(`${p.channelSid.slice(0, 10)}…`),
        cell(p.parkedBy.identity ?? p.parkedBy.workerSid ?? 'the account'),
        cell(p.parkedAt),
        cell(p.state),
        actions,
      );
      return tr;
    }),
  );
}
