// The Flex Consumption plan and the function app (.NET 10 isolated), running as the
// user-assigned identity, with identity-based connections to its storage and to Service Bus.

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

@description('LOCAL_DOMAIN; empty for the app default host name.')
param localDomain string = ''

@description('REGISTRATIONS_MODE.')
param registrationsMode string = 'open'

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
    // The root path belongs to the app, not to the Functions landing page.
    AzureWebJobsDisableHomepage: 'true'
    // The instance (InstanceOptions.FromConfiguration).
    LOCAL_DOMAIN: empty(localDomain) ? site.properties.defaultHostName : localDomain
    LOCAL_HTTPS: 'true'
    REGISTRATIONS_MODE: registrationsMode
    ALLOW_PRIVATE_ADDRESSES: 'false'
    // Embedded adapters until the Azure ones land: the package directory is read-only, /tmp is not.
    DATA_DIR: '/tmp/serverless-data'
  }
}

output id string = site.id
output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'
output principalClientId string = identityClientId
