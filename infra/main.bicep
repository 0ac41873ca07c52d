// Azure infrastructure for the Functions host, deployed by `azd up` (azure.yaml at the root).
//
// This is the first slice: a user-assigned identity, the storage account the Functions host and
// Flex Consumption deployments need, the Flex Consumption plan and function app, a Service Bus
// namespace with one queue per work queue, and the role assignments that let the identity use
// them (no keys anywhere). Still to come, in later issues: Cosmos DB (serverless account, database
// and containers, data-plane role assignment), Blob containers for media, Web PubSub (hub,
// connect/message event handlers), Front Door for the streaming host, and Application Insights.
// Until the Azure adapters land, the app runs its embedded adapters with DATA_DIR on the
// instance's temporary disk: fine for a smoke test, not for real use.
//
// Plain resources in local modules only (registry modules cannot be restored where CI runs).
// Check with infra/bicep.sh (bicep build + lint, warnings are errors).

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name the resource group and to derive unique resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the user running azd, granted data access to the queues and storage for debugging; empty for none.')
param principalId string = ''

@description('LOCAL_DOMAIN of the instance (handles, ActivityPub ids). Empty: the function app default host name.')
param localDomain string = ''

@allowed([
  'open'
  'approval'
  'closed'
])
@description('REGISTRATIONS_MODE of the instance.')
param registrationsMode string = 'open'

@minValue(40)
@maxValue(1000)
@description('Most instances Flex Consumption may scale the app out to.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

// One queue per kind of work: keep in step with QueueNames in shared/Serverless.Core/Queues/IWorkQueue.cs
// (tests/Serverless.Functions.Tests checks it).
var queueNames = [
  'deliver'
  'ingest'
  'fanout'
  'media'
  'pull'
]

var tags = {
  'azd-env-name': environmentName
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var deploymentContainerName = 'app-package-${take(resourceToken, 7)}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
    ]
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: resourceGroup
  params: {
    name: 'sb-${resourceToken}'
    location: location
    tags: tags
    queueNames: queueNames
  }
}

module appAccess 'modules/rbac.bicep' = {
  name: 'rbac-app'
  scope: resourceGroup
  params: {
    principalId: identity.outputs.principalId
    principalType: 'ServicePrincipal'
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
  }
}

module userAccess 'modules/rbac.bicep' = if (!empty(principalId)) {
  name: 'rbac-user'
  scope: resourceGroup
  params: {
    principalId: principalId
    principalType: 'User'
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: resourceGroup
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    localDomain: localDomain
    registrationsMode: registrationsMode
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The host needs its storage and queues from its first start.
  dependsOn: [
    appAccess
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
