// The Web PubSub service behind the streaming API. Access keys are off: the app publishes with
// the user-assigned identity (Web PubSub Service Owner, rbac.bicep), and the service calls the
// app's event handlers with a token of that same identity. The hub is in webpubsub-hub.bicep,
// deployed after the Function App whose URLs it points at.

@description('Name of the service.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object = {}

@description('Resource id of the user-assigned identity the service uses to call the event handlers.')
param identityId string

@allowed([
  'Free_F1'
  'Standard_S1'
  'Premium_P1'
])
@description('Pricing tier: Free_F1 allows 20 connections, Standard_S1 1,000 per unit.')
param sku string = 'Standard_S1'

@minValue(1)
@maxValue(100)
@description('Units (Standard and Premium): 1,000 concurrent connections each.')
param capacity int = 1

resource service 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    capacity: sku == 'Free_F1' ? 1 : capacity
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
  }
}

output id string = service.id
output name string = service.name
output hostName string = service.properties.hostName
output endpoint string = 'https://${service.properties.hostName}'
