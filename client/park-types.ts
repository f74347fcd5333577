/** The types of park and resume as a Flex plugin sees them (checked against the service's zod schemas in test/unit/client.test.ts). */

export interface ParkChannelRequest {
  interactionSid: string;
  channelSid: string;
  /** UT…; a Flex agent may leave it out: their own participant. */
  participantSid?: string;
}

export interface ResumeChannelRequest {
  interactionSid: string;
  channelSid: string;
}

export interface ListParkedRequest {
  /** 1 to 100, default 50: items of the map read for this page (an agent sees only their own of them). */
  pageSize?: number;
  /** The previous answer's nextPageToken. */
  pageToken?: string;
}

export interface Park {
  interactionSid: string;
  channelSid: string;
  conversationSid: string;
  state: 'parked' | 'resuming';
  parkedBy: { workerSid: string | null; identity: string | null };
  /** ISO 8601. */
  parkedAt: string;
  queueSid: string | null;
  workflowSid: string | null;
  taskSid: string;
}

export interface ResumeDecision {
  action: 'resumed' | 'ignored' | 'cleaned' | 'failed';
  reason: string;
  invite?: { sid: string };
  task?: { sid: string | null };
  to?: { resumeTo: 'agent' | 'queue'; queueSid: string; workflowSid: string | null; workerSid: string | null };
}

export interface ParkChannelResponse {
  park: Park;
  participant: { sid: string; status: 'closed' };
  /** null: the conversation could not be watched and was resumed at once (see `resumed`). */
  webhookSid: string | null;
  resumed?: ResumeDecision;
}

export type ResumeChannelResponse = ResumeDecision;

export interface ListParkedResponse {
  parked: Park[];
  count: number;
  nextPageToken: string | null;
}
