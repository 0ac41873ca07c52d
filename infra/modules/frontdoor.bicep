// Azure Front Door (Standard) in front of the streaming API, and optionally of the web host.
//
// Streaming: Mastodon clients open wss://<streaming host>/api/v1/streaming?stream=…; a rule
// rewrites that path to Web PubSub's client path /client/hubs/{hub} (the query string is kept),
// so clients need not know they talk to Web PubSub. /api/v1/streaming/health goes to the app,
// which answers OK as Mastodon's streaming server does. WebSockets pass through Front Door
// Standard; nothing is cached (no cache configuration on any route).
//
// Web (optional): every path to the Function App, uncached, so that the instance's domain gets a
// Front Door managed certificate. Custom domains are optional: with none, the endpoints'
// *.azurefd.net host names serve.

@description('Name of the Front Door profile.')
param name string

@description('Tags.')
param tags object = {}

@description('Host name of the Web PubSub service (origin of the streaming endpoint).')
param webPubSubHostName string

@description('Name of the Web PubSub hub.')
param hubName string

@description('Default host name of the Function App.')
param appHostName string

@description('Custom domain of the streaming host, e.g. streaming.example.com; empty for none.')
param streamingHostName string = ''

@description('Create a second endpoint for the web host (LOCAL_DOMAIN) in front of the Function App.')
param webEndpoint bool = false

@description('Custom domain of the web host, e.g. example.com; empty for none. Only with webEndpoint.')
param webHostName string = ''

@description('Seconds Front Door waits for an origin response (media uploads are the slowest).')
@minValue(16)
@maxValue(240)
param originResponseTimeoutSeconds int = 120

resource profile 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: name
  location: 'global'
  tags: tags
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
  properties: {
    originResponseTimeoutSeconds: originResponseTimeoutSeconds
  }
}

// ---- Streaming -------------------------------------------------------------------------------

resource streamingEndpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-02-01' = {
  parent: profile
  name: 'streaming-${uniqueString(profile.id)}'
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

resource webPubSubOrigins 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'webpubsub'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
    // One origin: health probes would only add requests.
    sessionAffinityState: 'Disabled'
  }
}

resource webPubSubOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: webPubSubOrigins
  name: 'webpubsub'
  properties: {
    hostName: webPubSubHostName
    originHostHeader: webPubSubHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}

resource appOrigins 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'app'
  properties: {
    loadBalancingSettings: {
      sampleSize: 4
      successfulSamplesRequired: 3
      additionalLatencyInMilliseconds: 50
    }
    sessionAffinityState: 'Disabled'
  }
}

resource appOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: appOrigins
  name: 'functions'
  properties: {
    hostName: appHostName
    originHostHeader: appHostName
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 1000
    enabledState: 'Enabled'
    enforceCertificateNameCheck: true
  }
}

resource streamingRules 'Microsoft.Cdn/profiles/ruleSets@2024-02-01' = {
  parent: profile
  name: 'streaming'
}

resource streamingRewrite 'Microsoft.Cdn/profiles/ruleSets/rules@2024-02-01' = {
  parent: streamingRules
  name: 'clientpath'
  properties: {
    order: 1
    conditions: [
      {
        name: 'UrlPath'
        parameters: {
          typeName: 'DeliveryRuleUrlPathMatchConditionParameters'
          operator: 'Equal'
          negateCondition: false
          // Both spellings: the documentation is unclear whether the matched path keeps its
          // leading slash.
          matchValues: [
            '/api/v1/streaming'
            '/api/v1/streaming/'
            'api/v1/streaming'
            'api/v1/streaming/'
          ]
          transforms: [
            'Lowercase'
          ]
        }
      }
    ]
    actions: [
      {
        name: 'UrlRewrite'
        parameters: {
          typeName: 'DeliveryRuleUrlRewriteActionParameters'
          sourcePattern: '/'
          destination: '/client/hubs/${hubName}'
          preserveUnmatchedPath: false
        }
      }
    ]
    matchProcessingBehavior: 'Stop'
  }
}

resource streamingDomain 'Microsoft.Cdn/profiles/customDomains@2024-02-01' = if (!empty(streamingHostName)) {
  parent: profile
  name: 'streaming-host'
  properties: {
    hostName: streamingHostName
    tlsSettings: {
      certificateType: 'ManagedCertificate'
      minimumTlsVersion: 'TLS12'
    }
  }
}

// The health check goes to the app (a more specific pattern wins over /*).
resource streamingHealthRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: streamingEndpoint
  name: 'health'
  properties: {
    originGroup: {
      id: appOrigins.id
    }
    customDomains: empty(streamingHostName) ? [] : [
      {
        id: streamingDomain.id
      }
    ]
    supportedProtocols: [
      'Https'
    ]
    patternsToMatch: [
      '/api/v1/streaming/health'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Disabled'
    enabledState: 'Enabled'
  }
  dependsOn: [
    appOrigin
  ]
}

resource streamingRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: streamingEndpoint
  name: 'webpubsub'
  properties: {
    originGroup: {
      id: webPubSubOrigins.id
    }
    customDomains: empty(streamingHostName) ? [] : [
      {
        id: streamingDomain.id
      }
    ]
    ruleSets: [
      {
        id: streamingRules.id
      }
    ]
    supportedProtocols: [
      'Http'
      'Https'
    ]
    patternsToMatch: [
      '/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Enabled'
    enabledState: 'Enabled'
  }
  dependsOn: [
    webPubSubOrigin
    streamingRewrite
    streamingHealthRoute
  ]
}

// ---- Web (optional) --------------------------------------------------------------------------

resource webFrontEnd 'Microsoft.Cdn/profiles/afdEndpoints@2024-02-01' = if (webEndpoint) {
  parent: profile
  name: 'web-${uniqueString(profile.id)}'
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

resource webDomain 'Microsoft.Cdn/profiles/customDomains@2024-02-01' = if (webEndpoint && !empty(webHostName)) {
  parent: profile
  name: 'web-host'
  properties: {
    hostName: webHostName
    tlsSettings: {
      certificateType: 'ManagedCertificate'
      minimumTlsVersion: 'TLS12'
    }
  }
}

resource webRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = if (webEndpoint) {
  parent: webFrontEnd
  name: 'app'
  properties: {
    originGroup: {
      id: appOrigins.id
    }
    customDomains: empty(webHostName) ? [] : [
      {
        id: webDomain.id
      }
    ]
    supportedProtocols: [
      'Http'
      'Https'
    ]
    patternsToMatch: [
      '/*'
    ]
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Enabled'
    httpsRedirect: 'Enabled'
    enabledState: 'Enabled'
  }
  dependsOn: [
    appOrigin
  ]
}

output profileName string = profile.name
output streamingEndpointHostName string = streamingEndpoint.properties.hostName
output streamingHostName string = empty(streamingHostName) ? streamingEndpoint.properties.hostName : streamingHostName
output streamingDomainValidationToken string = empty(streamingHostName) ? '' : streamingDomain!.properties.validationProperties.validationToken
output webEndpointHostName string = webEndpoint ? webFrontEnd!.properties.hostName : ''
output webDomainValidationToken string = webEndpoint && !empty(webHostName) ? webDomain!.properties.validationProperties.validationToken : ''
