// Safer Social: Azure resources for one environment (one school or one trust).
// Deployed by `teamsapp provision --env <env>` (arm/deploy in teamsapp.yml) with the
// parameters in azure.parameters.json, whose ${{...}} placeholders the Toolkit fills from
// env/.env.<env> and env/.env.<env>.user. Outputs are written back to env/.env.<env>.
//
// Resources: App Service plan + Linux web app (Node 22 LTS, system-assigned managed identity,
// health check on /readyz), Azure Bot with the Microsoft Teams channel, a storage account for
// tables and blobs reached with the web app's identity (no connection string, no account key)
// and only from the web app's virtual network, a Key Vault holding the bot's client secret and the
// link-signing secret (the app settings refer to them), Application Insights on a Log Analytics
// workspace.
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

@description('App Service plan SKU. B1 is the smallest with Always On and virtual network integration (which the storage firewall needs); deployment slots need S1 or above.')
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

@description('Address space of the virtual network the web app reaches storage through (a /24 or larger; the app uses a /26 of it). Change it only if it clashes with a network you peer with.')
param vnetAddressPrefix string = '10.70.0.0/24'

var webAppName = resourceBaseName
var serverfarmName = resourceBaseName
var botServiceName = resourceBaseName
var storageAccountName = take(toLower(replace('${resourceBaseName}st', '-', '')), 24)
var keyVaultName = take('${resourceBaseName}-kv', 24)
var vnetName = '${resourceBaseName}-vnet'

// Built-in role definitions (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles)
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

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

// ---------------------------------------------------------------- network: the web app's way to storage

// The web app's outbound calls to storage leave through this subnet (regional virtual network
// integration, Basic B1 plan or higher), and the subnet's service endpoint lets the storage firewall
// admit exactly this subnet. Chosen over the web app's outbound IP addresses, which do not work: the
// storage firewall ignores IP rules for requests from the same Azure region. Chosen over private
// endpoints, which are billed per endpoint per hour plus per GB (two: tables and blobs) and need private
// DNS zones; the virtual network, the integration and service endpoints cost nothing.
// Subnets are declared inside the network (not as child resources) so that redeploying it keeps them.
resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: vnetName
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [
        vnetAddressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: cidrSubnet(vnetAddressPrefix, 26, 0)
          delegations: [
            {
              name: 'web-server-farms'
              properties: {
                serviceName: 'Microsoft.Web/serverFarms'
              }
            }
          ]
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
              locations: [
                location
              ]
            }
          ]
        }
      }
    ]
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
    // The public endpoint stays on because service endpoints arrive through it; its firewall admits only
    // the web app's subnet. To export data (Storage Explorer), add your IP address for the time it takes
    // (docs/deploy.md, "Rolling back").
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
      virtualNetworkRules: [
        {
          id: vnet.properties.subnets[0].id
          action: 'Allow'
        }
      ]
      ipRules: []
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

// ---------------------------------------------------------------- secrets

// The two secrets live here, not in the app settings: the settings hold references, App Service reads
// the values with the web app's identity, and only that identity may read them (RBAC, no access policies).
// The values come from the @secure() parameters (SECRET_ variables in env/.env.<env>.user), so
// re-provisioning after a rotation updates them; the references name no version, so the app picks the
// new value up within 24 hours or at its next restart.
resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enabledForDeployment: false
    enabledForTemplateDeployment: false
    enabledForDiskEncryption: false
    publicNetworkAccess: 'Enabled' // reads need an Entra token with the role below; App Service resolves references from outside the VNet
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'bot-app-password'
  properties: {
    value: botAadAppClientSecret
    contentType: 'Client secret of the bot\'s Entra app'
  }
}

resource linkSigningSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'link-signing-secret'
  properties: {
    value: linkSigningSecret
    contentType: 'Signs the app\'s short-lived links'
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
    virtualNetworkSubnetId: vnet.properties.subnets[0].id // outbound to storage through the VNet (see the network above)
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
      // Only private addresses and the subnet's service endpoint (storage) go through the VNet; the Bot
      // Connector, Entra ID and Teams are reached over the internet as before (no NAT gateway needed).
      vnetRouteAllEnabled: false
    }
  }
}

// No publishing with a user name and password, neither FTP nor the SCM (Kudu) site: deployments use
// Entra ID (`teamsapp deploy` signs in with the deployer's account).
resource webAppFtpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2022-09-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource webAppScmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2022-09-01' = {
  parent: webApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// App settings: the environment src/config.ts reads (APP_ENV=production makes it strict).
// A separate resource so the values can use the site's own host name.
// tests/package/infra.test.ts loads src/config.ts with exactly these names.
// The secrets are Key Vault references; the role assignment comes first, so that they resolve at the first
// start (if one still fails, the server refuses to start and names it: restart the app a few minutes later).
resource webAppSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'appsettings'
  dependsOn: [
    keyVaultSecretsUser
  ]
  properties: {
    APP_ENV: 'production'
    LOG_LEVEL: 'info'
    PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
    MicrosoftAppId: botAadAppClientId
    MicrosoftAppPassword: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})'
    MicrosoftAppType: 'SingleTenant'
    MicrosoftAppTenantId: botAadAppTenantId
    AAD_APP_CLIENT_ID: aadAppClientId
    AAD_APP_TENANT_ID: aadAppTenantId
    AAD_APP_ID_URI: 'api://${webApp.properties.defaultHostName}/${aadAppClientId}'
    TEAMS_APP_ID: teamsAppId
    LINK_SIGNING_SECRET: '@Microsoft.KeyVault(SecretUri=${linkSigningSecretValue.properties.secretUri})'
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

// The web app's identity may read the vault's secrets (both of them are its own), and do nothing else there.
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, webApp.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
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
