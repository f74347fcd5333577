/**
 * What the plugin reads from its environment at build time. A plugin made with the Flex Plugins
 * CLI gets `process.env.NAME` from a `.env` file through webpack (Twilio's page "Environment
 * variables in Flex Plugins"); the name is this example's choice.
 */
declare const process: {
  env: {
    /** The deployed service's base URL, e.g. https://flex-interaction-channels-1234-dev.twil.io */
    FLEX_APP_INTERACTION_CHANNELS_URL?: string;
  };
};
