// The Flex Consumption plan and the function app (.NET 10 isolated), running as the
// user-assigned identity, with identity-based connections to everything it uses (no keys, no
// connection strings): its host storage, Service Bus, Cosmos DB, media Blob Storage, Web PubSub
// and Application Insights. tests/Serverless.Functions.Tests/InfraTests.cs checks these settings
// against what the app reads.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('azd service name the app is tagged with (azure.yaml services.<name>).')
param serviceName string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Blob endpoint of the host storage account (https://<account>.blob.<suffix>/).')
param storageBlobEndpoint string

@description('Queue endpoint of the host storage account.')
param storageQueueEndpoint string

@description('Table endpoint of the host storage account.')
param storageTableEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Fully qualified Service Bus namespace (<name>.servicebus.windows.net).')
param serviceBusNamespace string

@description('Cosmos DB account endpoint (https://<account>.documents.azure.com:443/).')
param cosmosEndpoint string

@description('Cosmos DB database holding the containers.')
param cosmosDatabase string

@description('Blob container of media (in the host storage account).')
param mediaContainerName string

@description('MEDIA_BASE_URL: where clients load media from; empty to serve it through the app (/system/…).')
param mediaBaseUrl string = ''

@description('Web PubSub endpoint (https://<name>.webpubsub.azure.com).')
param webPubSubEndpoint string

@description('Web PubSub hub of the streaming API.')
param webPubSubHub string

@description('Application Insights connection string (no key is usable: local auth is off).')
param appInsightsConnectionString string

@minValue(0)
@maxValue(20)
@description('Always-ready instances of the HTTP group (0: cold starts, no baseline cost).')
param alwaysReadyHttpInstances int = 1

@description('Audience of the Entra tokens Web PubSub sends with its events (the hub event handler\'s managed-identity resource); the app validates them.')
param webPubSubEventHandlerAudience string

@description('Object id of the user-assigned identity: the only caller whose event tokens the app accepts (Web PubSub calls as it).')
param identityPrincipalId string

@description('LOCAL_DOMAIN; empty for the app default host name.')
param localDomain string = ''

@description('STREAMING_API_BASE_URL: where clients open the streaming WebSocket (Front Door in front of Web PubSub); empty for the app\'s own host.')
param streamingBaseUrl string = ''

@description('REGISTRATIONS_MODE.')
param registrationsMode string = 'open'

@description('AUTHORIZED_FETCH: require signed fetches of objects and collections.')
param authorizedFetch bool = false

@description('SITE_TITLE.')
param siteTitle string = 'Serverless'

@description('SITE_CONTACT_EMAIL.')
param siteContactEmail string = ''

@description('Most instances the app may scale out to.')
param maximumInstanceCount int = 100

@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // HTTP functions scale as one group; queue triggers each scale on their own.
        alwaysReady: alwaysReadyHttpInstances == 0 ? [] : [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstances
          }
        ]
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The identity every Azure SDK client of the app signs in as (AzureCredentials).
    AZURE_CLIENT_ID: identityClientId
    // Telemetry with Entra auth (Monitoring Metrics Publisher): the key in the connection string
    // is refused, local auth being off.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // Host storage through the identity (no connection string).
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
    AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
    AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
    // The Service Bus triggers' connection (QueueFunctions.ConnectionSetting).
    ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
    ServiceBusConnection__credential: 'managedidentity'
    ServiceBusConnection__clientId: identityClientId
    // Cosmos DB documents and Blob media (AzureAdapters): STORAGE_ADAPTERS=azure.
    STORAGE_ADAPTERS: 'azure'
    Cosmos__accountEndpoint: cosmosEndpoint
    Cosmos__database: cosmosDatabase
    Cosmos__clientId: identityClientId
    MediaStorage__blobServiceUri: storageBlobEndpoint
    MediaStorage__clientId: identityClientId
    MEDIA_CONTAINER: mediaContainerName
    MEDIA_BASE_URL: mediaBaseUrl
    // Streaming through Web PubSub.
    WebPubSub__endpoint: webPubSubEndpoint
    WebPubSub__hub: webPubSubHub
    WebPubSub__clientId: identityClientId
    // Web PubSub's event calls carry an Entra token of the identity, validated by the app
    // (WebPubSubEventAuthenticator) against the tenant's signing keys: audience, tenant, issuer, caller.
    WebPubSub__eventHandlerAudience: webPubSubEventHandlerAudience
    WebPubSub__eventHandlerTenantId: tenant().tenantId
    WebPubSub__eventHandlerPrincipalId: identityPrincipalId
    WebPubSub__eventHandlerAuthority: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
    // The root path belongs to the app, not to the Functions landing page.
    AzureWebJobsDisableHomepage: 'true'
    // The instance (InstanceOptions.FromConfiguration).
    LOCAL_DOMAIN: empty(localDomain) ? site.properties.defaultHostName : localDomain
    LOCAL_HTTPS: 'true'
    STREAMING_API_BASE_URL: streamingBaseUrl
    REGISTRATIONS_MODE: registrationsMode
    ALLOW_PRIVATE_ADDRESSES: 'false'
    AUTHORIZED_FETCH: authorizedFetch ? 'true' : 'false'
    SITE_TITLE: siteTitle
    SITE_CONTACT_EMAIL: siteContactEmail
  }
}

output id string = site.id
output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
output defaultHostName string = site.properties.defaultHostName
output principalClientId string = identityClientId
