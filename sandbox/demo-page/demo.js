// The sandbox demo: pick a demo interaction, see its channels, close one as the demo agent or
// supervisor, or see a channel's participants and let the demo agent leave it (wrap up or
// complete) while the conversation stays open, or transfer it (cold) to demo agent 2, who
// accepts or declines through the sandbox-only /demo/sandbox/offer (the fake of Twilio then
// posts TaskRouter's events to /webhooks/taskrouter), or park it: the customer's message (the
// sandbox-only /demo/sandbox/customer-message has the fake post onMessageAdded to
// /webhooks/conversations) resumes it, and the resumed task is offered to the demo agent again
// (/demo/sandbox/offer, to: agent). Every call goes through the real client
// (./client.mjs, the build of client/). Values from the API are set as text, never as HTML.
import { FlexInteractionChannelsClient } from './client.mjs';
import { listParked, parkButtons } from './demo-park.js';

const config = await (await fetch('./config.json')).json();
const $ = (id) => document.getElementById(id);
// What an answer means, in a sentence, above the raw JSON.
function outcome(value) {
  if (value && value.error) return `Refused: ${value.error.status} ${value.error.code}: ${value.error.message}`;
  if (value && value.park && value.participant)
    return value.webhookSid
      ? `Parked: the demo agent's participant is ${value.participant.status} (task completed); the conversation stays open, and the customer's next message resumes it.`
      : `Parked, but no webhook could watch the conversation: it was resumed at once (${value.resumed ? value.resumed.action : '?'}).`;
  if (value && value.conversationSid && Array.isArray(value.webhook)) {
    const resumed = value.tasks.find((t) => t.resumed && t.assignmentStatus === 'pending');
    if (value.webhook.length === 0) return 'The customer wrote; no webhook watches the conversation (it is not parked).';
    return resumed
      ? `The customer wrote: the park was resumed (one invite); the new task ${resumed.sid} is offered to the demo agent.`
      : `The customer wrote: ${value.webhook.map((w) => (w.body && w.body.action) || w.status).join(', ')}.`;
  }
  if (value && value.to === 'agent')
    return value.answer === 'accept'
      ? 'The demo agent accepted the resumed task: they are back on the conversation, with its original attributes.'
      : `The demo agent declined the resumed task (it is ${value.task.assignmentStatus} again).`;
  if (value && Array.isArray(value.parked)) return `${value.count} parked conversation(s).`;
  if (value && value.action && value.reason) return `Resume: ${value.action} (${value.reason}).`;
  if (value && value.taskStatus && value.channel)
    return `Channel ${value.channel.status}; its tasks ${value.taskStatus === 'completed' ? 'completed' : 'went to wrapping'} (taskStatus: ${value.taskStatus}).`;
  if (value && value.taskStatus && value.participant)
    return `Left (${value.status}); the task is ${value.taskStatus}; agents remaining on the channel: ${value.agentsRemaining}.`;
  if (value && value.transferId && value.invite)
    return `Transfer started (${value.mode}); demo agent 2 is offered the new task ${value.task.sid}. The demo agent stays on the channel until someone accepts.`;
  if (value && value.answer === 'accept') {
    const finished = value.webhook.map((w) => w.body && w.body.transfer).find((t) => t && t.action === 'finished');
    return finished && finished.participantStatus
      ? `Demo agent 2 accepted: the demo agent's participant was set to ${finished.participantStatus} (agent wrapped up).`
      : `Demo agent 2 accepted; the demo agent was not changed (${finished ? finished.reason : 'no transfer finished'}).`;
  }
  if (value && value.answer === 'decline')
    return value.transferringAgent.transferFailed
      ? `Demo agent 2 declined: transferFailed (${value.transferringAgent.transferFailed.reason}) is on the demo agent's task; they keep the conversation.`
      : 'Demo agent 2 declined; no failure was recorded.';
  if (value && Array.isArray(value.channels)) return `${value.count} channel(s).`;
  if (value && Array.isArray(value.participants)) return `${value.count} participant(s).`;
  return '';
}
const show = (value) => {
  $('outcome').textContent = outcome(value);
  $('outcome').className = value && value.error ? 'error' : '';
  $('answer').textContent = JSON.stringify(value, null, 2);
  $('answer').className = value && value.error ? 'error' : '';
};
// The channels the demo agent is a participant of (the sandbox's demo data says which).
const agentsChannels = new Set(config.interactions.flatMap((i) => i.channels.filter((c) => c.agent).map((c) => c.sid)));
const client = () => new FlexInteractionChannelsClient({ baseUrl: location.origin, token: () => config.tokens[$('who').value] });

for (const interaction of config.interactions) {
  const option = document.createElement('option');
  option.value = interaction.interactionSid;
  option.textContent = `${interaction.interactionSid.slice(0, 8)}… (${interaction.channels.map((c) => c.type).join(', ')})`;
  $('interaction').append(option);
}

// After a close, the table is reloaded but the close's answer stays on screen.
async function load(keepAnswer = false) {
  try {
    const answer = await client().listChannels({ interactionSid: $('interaction').value });
    if (!keepAnswer) show(answer);
    $('channels').replaceChildren(...answer.channels.map(row));
  } catch (err) {
    show({ error: { code: err.code, status: err.status, message: err.message } });
  }
}

const cell = (text, className) => {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.textContent = text;
  return td;
};
const code = (text) => {
  const td = document.createElement('td');
  const c = document.createElement('code');
  c.textContent = text;
  td.append(c);
  return td;
};
const button = (label, data, onclick) => {
  const b = document.createElement('button');
  b.textContent = label;
  Object.assign(b.dataset, data);
  b.onclick = onclick;
  return b;
};
const failed = (err) => show({ error: { code: err.code, status: err.status, message: err.message } });

function row(channel) {
  const tr = document.createElement('tr');
  tr.append(
    code(`${channel.sid.slice(0, 10)}…`),
    cell(channel.type),
    cell(channel.status, `status ${channel.status}`),
    cell(agentsChannels.has(channel.sid) ? 'the demo agent’s' : '—', agentsChannels.has(channel.sid) ? 'yours' : ''),
  );
  const actions = document.createElement('td');
  actions.append(button('Participants', { participants: channel.sid }, () => participants(channel)));
  const close = (routing) => async () => {
    try {
      show(await client().closeChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid, ...(routing ? { routing } : {}) }));
    } catch (err) {
      failed(err);
      return;
    }
    await load(true);
  };
  if (channel.status !== 'closed') {
    actions.append(
      button('Close (complete tasks)', { channel: channel.sid }, close({ status: 'closed' })),
      button('Close (tasks to wrapping)', { wrap: channel.sid }, close(undefined)),
    );
  }
  tr.append(actions);
  return tr;
}

// A channel's participants, and the demo agent leaving it: the Flex task is all leaveChannel needs.
async function participants(channel, keepAnswer = false) {
  const task = { attributes: { flexInteractionSid: channel.interactionSid, flexInteractionChannelSid: channel.sid } };
  let answer;
  try {
    answer = await client().listParticipants(task);
  } catch (err) {
    failed(err);
    return;
  }
  if (!keepAnswer) show(answer);
  $('participants-of').textContent = `${channel.sid.slice(0, 10)}… (${channel.type})`;
  $('participants').replaceChildren(
    ...answer.participants.map((p) => {
      const tr = document.createElement('tr');
      tr.append(code(`${p.sid.slice(0, 10)}…`), cell(p.type ?? '?'), cell(p.workerSid ? `${p.workerSid.slice(0, 10)}…` : '—'));
      return tr;
    }),
  );
  const leave = (status) => async () => {
    try {
      show(await client().leaveChannel(task, { status }));
    } catch (err) {
      failed(err);
      return;
    }
    await load(true);
    await participants(channel, true);
  };
  $('leave').replaceChildren(
    button('Leave: wrap up', { leave: 'wrapup' }, leave('wrapup')),
    button('Leave: complete', { leave: 'closed' }, leave('closed')),
  );
  const transfer = async () => {
    let started;
    try {
      started = await client().transferChannel(task, { workerSid: config.secondAgentWorkerSid });
    } catch (err) {
      failed(err);
      return;
    }
    show(started);
    const answer = (how) => async () => {
      const r = await fetch('./sandbox/offer', { method: 'POST', body: JSON.stringify({ taskSid: started.task.sid, answer: how }) });
      show(await r.json());
      $('offer').replaceChildren();
      await participants(channel, true);
    };
    $('offer').replaceChildren(
      button('Demo agent 2: accept', { offer: 'accept' }, answer('accept')),
      button('Demo agent 2: decline', { offer: 'decline' }, answer('decline')),
    );
  };
  $('transfer').replaceChildren(...(config.transfers ? [button('Transfer (cold) to demo agent 2', { transfer: channel.sid }, transfer)] : []));
  parkButtons(ui, channel, task);
}

const ui = { $, show, failed, button, cell, code, client, config, participants };
$('load').onclick = () => load();
$('list-parked').onclick = () => listParked(ui);
$('interaction').onchange = () => load();
$('who').onchange = () => undefined;
document.body.dataset.ready = 'yes';
await load();
