// Cosmos DB for NoSQL, serverless, with the database and every container the app uses, created
// here because the data-plane role cannot create them. Keys are off: the app signs in with the
// user-assigned identity, granted the built-in Data Contributor role.
//
// Containers, partition keys and indexing policies come from ../cosmos-containers.json, which
// CosmosContainersTests generates from shared/Serverless.Azure/Cosmos/CosmosContainers.cs (one
// place decides them; tests/Serverless.Functions.Tests/InfraTests.cs checks the compiled template
// against Containers.All).

@description('Name of the account: 3-44 lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(44)
param name string

@description('Region (serverless accounts have one).')
param location string

@description('Tags.')
param tags object = {}

@description('Principals (object ids) granted Cosmos DB Built-in Data Contributor on the account.')
param dataContributorPrincipalIds string[] = []

var layout = loadJsonContent('../cosmos-containers.json')

// Built-in Data Contributor: read, write, query and patch items; no control-plane rights.
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: layout.database
  properties: {
    resource: {
      id: layout.database
    }
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in layout.containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: {
          paths: [
            container.partitionKeyPath
          ]
          kind: 'Hash'
          version: container.partitionKeyVersion
        }
        indexingPolicy: container.indexingPolicy
      }
    }
  }
]

resource dataContributors 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for principalId in dataContributorPrincipalIds: {
    parent: account
    name: guid(account.id, principalId, dataContributorRoleId)
    properties: {
      principalId: principalId
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
      scope: account.id
    }
  }
]

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
