// The streaming hub. Anonymous connect is allowed because Web PubSub cannot check a Mastodon
// access token: every connection goes through the blocking `connect` event, where the app
// validates the token (sent by clients in Sec-WebSocket-Protocol or ?access_token) and rejects
// the connection with 401 otherwise; client frames (subscribe/unsubscribe) arrive as `message`
// events. The service authenticates to the app with a token of its managed identity.

@description('Name of the Web PubSub service.')
param serviceName string

@description('Name of the hub (WebPubSub__hub in the app; the client path is /client/hubs/{hub}).')
param hubName string

@description('Host name of the Function App that handles the events.')
param appHostName string

@description('Path of the event handler on the app; {event} becomes connect, message, …')
param eventHandlerPath string

@description('Audience (resource) of the managed-identity token the service sends with each event.')
param eventHandlerAudience string

resource service 'Microsoft.SignalRService/webPubSub@2024-03-01' existing = {
  name: serviceName
}

resource hub 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = {
  parent: service
  name: hubName
  properties: {
    anonymousConnectPolicy: 'allow'
    eventHandlers: [
      {
        urlTemplate: 'https://${appHostName}${eventHandlerPath}'
        // Every user event: subscribe/unsubscribe frames (and anything else a client sends, which
        // the app answers or ignores).
        userEventPattern: '*'
        systemEvents: [
          'connect'
        ]
        auth: {
          type: 'ManagedIdentity'
          managedIdentity: {
            resource: eventHandlerAudience
          }
        }
      }
    ]
  }
}

output name string = hub.name
output eventHandlerUrlTemplate string = 'https://${appHostName}${eventHandlerPath}'
