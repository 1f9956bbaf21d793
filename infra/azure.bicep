// Safer Social: Azure resources for one environment (one school or one trust).
// Deployed by `teamsapp provision --env <env>` (arm/deploy in teamsapp.yml) with the
// parameters in azure.parameters.json, whose ${{...}} placeholders the Toolkit fills from
// env/.env.<env> and env/.env.<env>.user. Outputs are written back to env/.env.<env>.
//
// Resources: App Service plan + Linux web app (Node 22 LTS, system-assigned managed identity,
// health check on /readyz), Azure Bot with the Microsoft Teams channel, a storage account for
// tables and blobs reached with the web app's identity (no connection string, no account key),
// Application Insights on a Log Analytics workspace.
//
// No Bicep compiler runs on the project's build machines; tests/package/infra.test.ts checks
// this file as text (parameters, app settings, outputs). Run `az bicep build --file
// infra/azure.bicep` on a machine with the Azure CLI before changing it in production.

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

@description('Azure region; defaults to the resource group\'s (choose uksouth or ukwest to keep data in the UK).')
param location string = resourceGroup().location

@description('App Service plan SKU. B1 is the smallest with Always On; deployment slots need S1 or above.')
param webAppSku string = 'B1'

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
@description('Storage redundancy for cases and evidence.')
param storageSku string = 'Standard_LRS'

@maxLength(42)
param botDisplayName string

@description('Client id of the bot\'s Entra app (BOT_ID, created by aadApp/create in teamsapp.yml).')
param botAadAppClientId string

@secure()
@description('Client secret of the bot\'s Entra app (SECRET_BOT_PASSWORD).')
param botAadAppClientSecret string

@description('Tenant of the bot\'s Entra app: the school\'s Microsoft 365 tenant (BOT_TENANT_ID).')
param botAadAppTenantId string

@description('Client id of the Entra app used for the Cases tab single sign-on (AAD_APP_CLIENT_ID).')
param aadAppClientId string

@description('Tenant of the single sign-on Entra app (AAD_APP_TENANT_ID).')
param aadAppTenantId string

@description('Teams app id (TEAMS_APP_ID), used in deep links to the Cases tab.')
param teamsAppId string

@secure()
@minLength(32)
@description('Secret that signs the app\'s short-lived links (SECRET_LINK_SIGNING_SECRET): 32+ random characters.')
param linkSigningSecret string

@description('Name of the private blob container for screenshot evidence.')
param evidenceContainerName string = 'evidence'

@description('Allow storage account keys (Shared Key). Off: the app uses its managed identity only.')
param allowSharedKeyAccess bool = false

@minValue(30)
@description('Days to keep platform logs in Log Analytics. Logs may contain personal data; keep this short.')
param logRetentionDays int = 30

var webAppName = resourceBaseName
var serverfarmName = resourceBaseName
var botServiceName = resourceBaseName
var storageAccountName = take(toLower(replace('${resourceBaseName}st', '-', '')), 24)

// Built-in role definitions (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles)
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// ---------------------------------------------------------------- monitoring

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: resourceBaseName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableIpMasking: false
  }
}

// ---------------------------------------------------------------- storage (tables + evidence blobs)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false // no anonymous access to any container, ever
    allowSharedKeyAccess: allowSharedKeyAccess
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled' // App Service (without VNet integration) reaches it over the public endpoint
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Protects against accidental deletion; retention-driven deletion completes after these days.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource evidenceContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: evidenceContainerName
  properties: {
    publicAccess: 'None' // private: evidence is served only through the app, after an authorisation check
  }
}

// ---------------------------------------------------------------- web app (bot + Cases tab)

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: serverfarmName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned' // reads and writes storage with Entra ID roles below; no keys in settings
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    clientAffinityEnabled: false // conversation state is in storage, any instance can serve any request
    siteConfig: {
      // Node 22 LTS, not Node 20: the project was first specified on Node 20, but Node 20 reached
      // end of life in April 2026 and App Service stops offering end-of-life runtimes. Node 22 is
      // in LTS until April 2027; package.json "engines" allows both 20 and 22.
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'node --max-old-space-size=384 dist/server.js'
      alwaysOn: true
      healthCheckPath: '/readyz'
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      webSocketsEnabled: false
    }
  }
}

resource webAppFtpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2022-09-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// App settings: the environment src/config.ts reads (APP_ENV=production makes it strict).
// A separate resource so the values can use the site's own host name.
// tests/package/infra.test.ts loads src/config.ts with exactly these names.
resource webAppSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    APP_ENV: 'production'
    LOG_LEVEL: 'info'
    PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
    MicrosoftAppId: botAadAppClientId
    MicrosoftAppPassword: botAadAppClientSecret
    MicrosoftAppType: 'SingleTenant'
    MicrosoftAppTenantId: botAadAppTenantId
    AAD_APP_CLIENT_ID: aadAppClientId
    AAD_APP_TENANT_ID: aadAppTenantId
    AAD_APP_ID_URI: 'api://${webApp.properties.defaultHostName}/${aadAppClientId}'
    TEAMS_APP_ID: teamsAppId
    LINK_SIGNING_SECRET: linkSigningSecret
    STORAGE_ACCOUNT_NAME: storage.name
    EVIDENCE_CONTAINER: evidenceContainer.name
    SCHOOLS_SEED_FILE: 'config/schools.seed.json'
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    WEBSITE_RUN_FROM_PACKAGE: '1' // run from the zip that `teamsapp deploy` uploads
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' // the zip is already built (dist/ + production node_modules)
  }
}

// Console output (the server's JSON logs) and platform events to Log Analytics. HTTP access logs
// are not collected: query strings can carry signed links.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

// The web app's identity may read and write tables and blobs in this account, and nothing else.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, webApp.id, storageBlobDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: webApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- Azure Bot + Teams channel

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0' // Teams is a standard channel: free
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant' // Microsoft has deprecated creating new multi-tenant bots
    msaAppTenantId: botAadAppTenantId
  }
}

resource botServiceMsTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Outputs are persisted in env/.env.<env> (https://aka.ms/teamsfx-actions/arm-deploy).
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output TAB_DOMAIN string = webApp.properties.defaultHostName
output TAB_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output STORAGE_ACCOUNT_NAME string = storage.name
output BOT_SERVICE_NAME string = botService.name
