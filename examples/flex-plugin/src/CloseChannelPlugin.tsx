/**
 * A minimal Flex UI 2.x plugin that uses flex-interaction-channels: a "Close and complete"
 * button on the header of a Flex Conversations task, through an action (`CloseTaskChannel`)
 * that other plugins, or your own buttons, can invoke too.
 *
 * - the service's URL comes from the plugin's environment (FLEX_APP_INTERACTION_CHANNELS_URL in
 *   the plugin's .env; see src/env.d.ts);
 * - the agent's Flex token is read on every call from `Manager.getInstance().user.token`, so
 *   Flex's token renewals are used;
 * - the client is the project's built ES module with its declarations (copy-client.mjs copies
 *   dist/client/flex-interaction-channels.mjs and .d.mts into src/services/).
 */
import * as Flex from '@twilio/flex-ui';
import { FlexPlugin } from '@twilio/flex-plugin';
import React from 'react';
import { FlexInteractionChannelsClient, FlexInteractionChannelsError, type CloseChannelResponse } from './services/flex-interaction-channels.mjs';

export const CLOSE_ACTION = 'CloseTaskChannel';
const FAILED = 'CloseTaskChannelFailed';

export interface CloseTaskChannelPayload {
  task: Flex.ITask;
  /** Complete the task (the default), or leave it in wrapping. */
  complete?: boolean;
}

/** A Flex Conversations task: it names its interaction and channel in its attributes. */
export function isConversationsTask(task: Flex.ITask | undefined): task is Flex.ITask {
  const attributes = task?.attributes as { flexInteractionSid?: unknown; flexInteractionChannelSid?: unknown } | undefined;
  return typeof attributes?.flexInteractionSid === 'string' && typeof attributes.flexInteractionChannelSid === 'string';
}

/** The button: it closes the task's channel through the action, so listeners see it. */
const CloseButton = Flex.withTaskContext(function CloseButton({ task }: { task?: Flex.ITask }) {
  if (!isConversationsTask(task)) return null;
  const close = () => void Flex.Actions.invokeAction(CLOSE_ACTION, { task, complete: true } satisfies CloseTaskChannelPayload);
  return (
    <button type="button" onClick={close}>
      Close and complete
    </button>
  );
});

export default class CloseChannelPlugin extends FlexPlugin {
  constructor() {
    super('CloseChannelPlugin');
  }

  init(flex: typeof Flex): void {
    const baseUrl = process.env.FLEX_APP_INTERACTION_CHANNELS_URL;
    if (baseUrl === undefined || baseUrl === '') {
      console.error("CloseChannelPlugin: set FLEX_APP_INTERACTION_CHANNELS_URL in the plugin's .env to the service's URL");
      return;
    }
    const channels = new FlexInteractionChannelsClient({
      baseUrl,
      token: () => Flex.Manager.getInstance().user.token,
    });

    flex.Notifications.registerNotification({
      id: FAILED,
      type: flex.NotificationType.error,
      content: 'The conversation was not closed: {{reason}}',
    });

    flex.Actions.registerAction(CLOSE_ACTION, async (payload: CloseTaskChannelPayload): Promise<CloseChannelResponse> => {
      try {
        return await channels.closeChannel(payload.task, { complete: payload.complete ?? true });
      } catch (err) {
        // `forbidden`: this agent is not on the channel (CLOSE_POLICY); `not_found`: already gone; …
        const reason = err instanceof FlexInteractionChannelsError ? `${err.message} (${err.code})` : String(err);
        flex.Notifications.showNotification(FAILED, { reason });
        throw err;
      }
    });

    flex.TaskCanvasHeader.Content.add(<CloseButton key="close-task-channel" />, {
      if: (props) => isConversationsTask(props.task),
    });
  }
}
