// The Service Bus namespace and one queue per kind of work. Identity access only.
//
// Queue settings follow shared/research/azure.md §2: the lock (PT1M) outlives a delivery's HTTP
// timeout, maxDeliveryCount only absorbs crashes (handlers retry by re-sending a delayed copy with
// a new message id), messages live a little longer than the week of delivery retries, and
// duplicate detection drops a re-sent message with the same id within an hour. Duplicate
// detection needs the Standard tier and cannot be changed once a queue exists.

@description('Name of the namespace.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('The queues to create.')
param queueNames string[]

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
      lockDuration: 'PT1M'
      maxDeliveryCount: 10
      defaultMessageTimeToLive: 'P8D'
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
