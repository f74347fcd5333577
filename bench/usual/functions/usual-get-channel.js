// The usual way (benchmark only, see ../README.md): fetch a channel.
const TokenValidator = require('twilio-flex-token-validator').functionValidator;

exports.handler = TokenValidator(async function (context, event, callback) {
  const response = new Twilio.Response();
  response.appendHeader('Access-Control-Allow-Origin', '*');
  response.appendHeader('Access-Control-Allow-Methods', 'OPTIONS, POST, GET');
  response.appendHeader('Access-Control-Allow-Headers', 'Content-Type');
  response.appendHeader('Content-Type', 'application/json');
  try {
    const client = context.getTwilioClient();
    const channel = await client.flexApi.v1.interaction(event.interactionSid).channels(event.channelSid).fetch();
    response.setBody(channel);
    return callback(null, response);
  } catch (error) {
    response.setStatusCode(error.status || 500);
    response.setBody({ success: false, message: error.message });
    return callback(null, response);
  }
});
