// Adds app settings to a function app that already has its settings, keeping every one it has.
// A sites/config 'appsettings' resource replaces the whole set, so the current settings are read
// (list) and the new ones laid over them (union). main.bicep uses it for STREAMING_API_BASE_URL,
// whose Front Door host name exists only after Front Door, which itself needs the app: setting
// it here, after both, breaks that cycle.

@description('Name of the function app.')
param appName string

@description('Settings to add or change; every other setting is kept as it is.')
param settings object

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(list('${site.id}/config/appsettings', '2024-04-01').properties, settings)
}
