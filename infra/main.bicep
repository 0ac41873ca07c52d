// Azure infrastructure of the Functions host, deployed by `azd up` (azure.yaml at the root).
//
// A resource group with: a user-assigned identity the app (and Web PubSub, for its event calls)
// runs as; Log Analytics and Application Insights; one storage account (Functions host,
// Flex Consumption deployment packages, media); Cosmos DB serverless with the database and every
// container; Service Bus with one queue per kind of work; Web PubSub with the streaming hub and
// its event handlers on the app; the Flex Consumption Function App; Azure Front Door for the
// streaming host (and optionally the web host); and the role assignments that let the identity
// use all of it. No keys anywhere: local auth is off on every service that has it.
//
// Plain resources in local modules only (registry modules cannot be restored where CI runs).
// Check with infra/bicep.sh (bicep build + lint, warnings are errors; it also writes the compiled
// template to infra/bin/main.json, which tests/Serverless.Functions.Tests/InfraTests.cs reads).

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

@description('SITE_TITLE of the instance.')
param siteTitle string = 'Serverless'

@description('SITE_CONTACT_EMAIL of the instance.')
param siteContactEmail string = ''

@description('AUTHORIZED_FETCH: require signed fetches of objects and collections.')
param authorizedFetch bool = false

@description('Name of the Web PubSub hub of the streaming API (the client path is /client/hubs/{hub}).')
param webPubSubHub string = 'streaming'

@allowed([
  'Free_F1'
  'Standard_S1'
  'Premium_P1'
])
@description('Web PubSub tier: Free_F1 allows 20 connections (trying it out), Standard_S1 1,000 per unit.')
param webPubSubSku string = 'Standard_S1'

@description('Path of the Web PubSub event handler on the app; {event} is connect or a user event name.')
param webPubSubEventHandlerPath string = '/_streaming/{event}'

@description('Audience (resource) of the managed-identity token Web PubSub sends with each event; the app validates it (WebPubSub__eventHandlerAudience). The default is an Azure service\'s resource id, which needs no app registration; the token is still only accepted from our identity.')
param webPubSubEventHandlerAudience string = 'https://webpubsub.azure.com'

@description('Custom domain of the streaming host on Front Door, e.g. streaming.example.com; empty: the Front Door endpoint host name.')
param streamingHostName string = ''

@description('Custom domain of the web host, e.g. example.com (usually LOCAL_DOMAIN): when set, Front Door also serves the web host in front of the app, with a managed certificate; empty for none.')
param webHostName string = ''

@description('MEDIA_BASE_URL: where clients load media from; empty to serve media through the app.')
param mediaBaseUrl string = ''

@minValue(0)
@maxValue(20)
@description('Always-ready instances of the HTTP functions (1 avoids cold starts on the API; 0 costs nothing when idle). Not in main.parameters.json: azd substitutes strings.')
param alwaysReadyHttpInstances int = 1

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
var mediaContainerName = 'media'

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
      mediaContainerName
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

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    workspaceName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: resourceGroup
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    dataContributorPrincipalIds: empty(principalId) ? [
      identity.outputs.principalId
    ] : [
      identity.outputs.principalId
      principalId
    ]
  }
}

module webPubSub 'modules/webpubsub.bicep' = {
  name: 'webpubsub'
  scope: resourceGroup
  params: {
    name: 'wps-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    sku: webPubSubSku
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
    webPubSubName: webPubSub.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
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
    webPubSubName: webPubSub.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
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
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabase: cosmos.outputs.databaseName
    mediaContainerName: mediaContainerName
    mediaBaseUrl: mediaBaseUrl
    webPubSubEndpoint: webPubSub.outputs.endpoint
    webPubSubHub: webPubSubHub
    appInsightsConnectionString: monitoring.outputs.connectionString
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    webPubSubEventHandlerAudience: webPubSubEventHandlerAudience
    identityPrincipalId: identity.outputs.principalId
    // The web host on Front Door is the instance's domain unless LOCAL_DOMAIN says otherwise.
    localDomain: empty(localDomain) ? webHostName : localDomain
    // A custom streaming domain is known up front; Front Door's generated host name only after
    // Front Door, which fronts this app: streamingSetting below sets it then.
    streamingBaseUrl: empty(streamingHostName) ? '' : 'wss://${streamingHostName}'
    registrationsMode: registrationsMode
    authorizedFetch: authorizedFetch
    siteTitle: siteTitle
    siteContactEmail: siteContactEmail
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The host needs its storage and queues from its first start.
  dependsOn: [
    appAccess
  ]
}

module streamingHub 'modules/webpubsub-hub.bicep' = {
  name: 'webpubsub-hub'
  scope: resourceGroup
  params: {
    serviceName: webPubSub.outputs.name
    hubName: webPubSubHub
    appHostName: functionApp.outputs.defaultHostName
    eventHandlerPath: webPubSubEventHandlerPath
    eventHandlerAudience: webPubSubEventHandlerAudience
  }
}

module frontDoor 'modules/frontdoor.bicep' = {
  name: 'frontdoor'
  scope: resourceGroup
  params: {
    name: 'afd-${resourceToken}'
    tags: tags
    webPubSubHostName: webPubSub.outputs.hostName
    hubName: webPubSubHub
    appHostName: functionApp.outputs.defaultHostName
    streamingHostName: streamingHostName
    webEndpoint: !empty(webHostName)
    webHostName: webHostName
  }
}

// STREAMING_API_BASE_URL from Front Door's streaming host (the custom domain, else the endpoint's
// generated …azurefd.net name), merged into the app settings the function app module wrote.
module streamingSetting 'modules/appsettings-merge.bicep' = {
  name: 'streaming-setting'
  scope: resourceGroup
  params: {
    appName: functionApp.outputs.name
    settings: {
      STREAMING_API_BASE_URL: 'wss://${frontDoor.outputs.streamingHostName}'
    }
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_COSMOS_ACCOUNT_NAME string = cosmos.outputs.name
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
output AZURE_WEBPUBSUB_NAME string = webPubSub.outputs.name
output AZURE_WEBPUBSUB_ENDPOINT string = webPubSub.outputs.endpoint
output AZURE_WEBPUBSUB_HUB string = streamingHub.outputs.name
output AZURE_APPLICATION_INSIGHTS_NAME string = monitoring.outputs.appInsightsName
output AZURE_FRONT_DOOR_NAME string = frontDoor.outputs.profileName
// Point a CNAME of the streaming host at STREAMING_ENDPOINT_HOST_NAME (and a TXT _dnsauth record
// at the validation token) when streamingHostName is set.
output STREAMING_HOST string = frontDoor.outputs.streamingHostName
output STREAMING_URL string = 'wss://${frontDoor.outputs.streamingHostName}'
output STREAMING_ENDPOINT_HOST_NAME string = frontDoor.outputs.streamingEndpointHostName
output STREAMING_DOMAIN_VALIDATION_TOKEN string = frontDoor.outputs.streamingDomainValidationToken
output WEB_ENDPOINT_HOST_NAME string = frontDoor.outputs.webEndpointHostName
output WEB_DOMAIN_VALIDATION_TOKEN string = frontDoor.outputs.webDomainValidationToken
