// The Service Bus namespace and one queue per kind of work. Identity access only.
//
// Queue settings follow shared/research/azure.md §2. maxDeliveryCount only absorbs crashes:
// handlers retry by re-sending a delayed copy with a new message id, so a message that keeps
// crashing its handler is dead-lettered after a few tries instead of looping. Each lock outlives
// the longest work of its queue (the Functions host also renews it, host.json
// maxAutoLockRenewalDuration); each TTL is a little longer than that work may legitimately wait,
// and an expired message goes to the dead-letter queue rather than vanishing, so that lost work
// can be seen and replayed. Duplicate detection drops a re-sent message with the same id within
// an hour; it needs the Standard tier and cannot be changed once a queue exists.

@description('Name of the namespace.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('The queues to create (QueueNames.All); each needs an entry in queueSettings or takes the defaults.')
param queueNames string[]

// Per queue: lock duration, max delivery count, message time-to-live.
var queueSettings = {
  // One signed POST to one inbox (HTTP timeout well under a minute); delayed re-sends cover about
  // a week of retries, so messages live eight days.
  deliver: {
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    defaultMessageTimeToLive: 'P8D'
  }
  // One verified inbound activity; may fetch a few remote objects on the way.
  ingest: {
    lockDuration: 'PT2M'
    maxDeliveryCount: 10
    defaultMessageTimeToLive: 'P2D'
  }
  // One page of followers to timelines and inboxes, then the next page re-enqueued.
  fanout: {
    lockDuration: 'PT2M'
    maxDeliveryCount: 10
    defaultMessageTimeToLive: 'P1D'
  }
  // Thumbnails and transcoding: the longest work, the fewest crash retries (a file that crashes
  // the decoder will crash it again).
  media: {
    lockDuration: 'PT5M'
    maxDeliveryCount: 5
    defaultMessageTimeToLive: 'P1D'
  }
  // Fetches of remote actors, outboxes, threads and link cards: worth little once stale.
  pull: {
    lockDuration: 'PT1M'
    maxDeliveryCount: 5
    defaultMessageTimeToLive: 'P1D'
  }
}
var defaultQueueSettings = {
  lockDuration: 'PT1M'
  maxDeliveryCount: 10
  defaultMessageTimeToLive: 'P1D'
}

@description('Drop re-sent messages whose id was seen within the detection window.')
param requiresDuplicateDetection bool = true

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: namespace
    name: queueName
    properties: {
      lockDuration: (queueSettings[?queueName] ?? defaultQueueSettings).lockDuration
      maxDeliveryCount: (queueSettings[?queueName] ?? defaultQueueSettings).maxDeliveryCount
      defaultMessageTimeToLive: (queueSettings[?queueName] ?? defaultQueueSettings).defaultMessageTimeToLive
      deadLetteringOnMessageExpiration: true
      requiresDuplicateDetection: requiresDuplicateDetection
      duplicateDetectionHistoryTimeWindow: 'PT1H'
      requiresSession: false
      enablePartitioning: false
      maxSizeInMegabytes: 1024
    }
  }
]

output id string = namespace.id
output name string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/ (or the sovereign cloud's suffix).
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
