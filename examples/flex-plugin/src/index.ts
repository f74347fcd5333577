// The plugin's entry, as the Flex Plugins CLI's template has it: Flex loads the bundle, and
// loadPlugin hands the plugin class to Flex, which calls its init.
import { loadPlugin } from '@twilio/flex-plugin';
import CloseChannelPlugin from './CloseChannelPlugin';

loadPlugin(CloseChannelPlugin);
