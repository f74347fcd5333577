// The sandbox demo: pick a demo interaction, see its channels, close one as the demo agent or
// supervisor. Every call goes through the real client (./client.mjs, the build of client/).
import { FlexInteractionChannelsClient } from './client.mjs';

const config = await (await fetch('./config.json')).json();
const $ = (id) => document.getElementById(id);
const show = (value) => {
  $('answer').textContent = JSON.stringify(value, null, 2);
  $('answer').className = value && value.error ? 'error' : '';
};
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

function row(channel) {
  // Every value from the API goes in as text (textContent, a class token), never as HTML.
  const tr = document.createElement('tr');
  const cell = (text) => {
    const td = document.createElement('td');
    if (text !== undefined) td.textContent = text;
    tr.append(td);
    return td;
  };
  const code = document.createElement('code');
  code.textContent = `${String(channel.sid).slice(0, 10)}…`;
  cell().append(code);
  cell(String(channel.type));
  const status = cell(String(channel.status));
  status.classList.add('status');
  if (/^[a-z]+$/.test(String(channel.status))) status.classList.add(String(channel.status));
  cell();
  if (channel.status !== 'closed') {
    const button = document.createElement('button');
    button.textContent = 'Close (complete tasks)';
    button.dataset.channel = channel.sid;
    button.onclick = async () => {
      try {
        show(await client().closeChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid, routing: { status: 'closed' } }));
      } catch (err) {
        show({ error: { code: err.code, status: err.status, message: err.message } });
        return;
      }
      await load(true);
    };
    tr.lastChild.append(button);
  }
  return tr;
}

$('load').onclick = () => load();
$('interaction').onchange = () => load();
$('who').onchange = () => undefined;
document.body.dataset.ready = 'yes';
await load();
