/**
 * A channel's state (src/workflows/channel-state.ts) built by hand, for the pure tests of the
 * decisions made over it: participants, which agents are on the channel (their task assigned),
 * and the routings of ours that are live.
 */
import type { Config } from '../../src/config';
import type { ListedParticipant } from '../../src/adapters/participants';
import { loadConfig } from '../../src/config';
import * as f from './fixtures';
import type { Agent, ChannelState, Routing } from '../../src/workflows/channel-state';

export const KD = `KD${'a'.repeat(32)}`;
export const UO = `UO${'b'.repeat(32)}`;

/** A participant; an agent is on the channel unless `on: false`. */
export type Listed = ListedParticipant & { on?: boolean };

export function stateOf(listed: Listed[], routings: Routing[] = [], status = 'active'): ChannelState {
  const participants = listed.map(({ on: _on, ...p }) => p);
  const agents: Agent[] = listed
    .filter((p) => p.type === 'agent')
    .map(({ on, ...participant }) => ({
      participant,
      on: on !== false,
      task:
        participant.taskSid === null
          ? undefined
          : {
              sid: participant.taskSid,
              assignmentStatus: on === false ? 'wrapping' : 'assigned',
              attributes: {},
              queueSid: null,
              workflowSid: null,
              taskChannelUniqueName: null,
            },
    }));
  return {
    ids: { interactionSid: KD, channelSid: UO },
    channel: {
      sid: UO,
      interactionSid: KD,
      type: 'chat',
      status,
      errorCode: null,
      errorMessage: null,
      url: null,
      links: { participants: null, invites: null, transfers: null },
    },
    open: status === 'active' || status === 'setup',
    participants,
    agents,
    onChannel: agents.filter((a) => a.on),
    routings,
    liveTasks: [],
    workspaceSid: `WS${'5'.repeat(32)}`,
  };
}

/** The settings the decisions read (markers' key: the fixtures' auth token), as the functions load them. */
export function configOf(extra: Record<string, string> = {}): Config {
  return loadConfig({ ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, ...extra } as never);
}
