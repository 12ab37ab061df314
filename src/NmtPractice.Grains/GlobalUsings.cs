global using Microsoft.Extensions.Logging;
global using NmtPractice.Persistence;
global using NmtPractice.Persistence.Records;
global using NmtPractice.Persistence.Reports;
global using Orleans;
global using Orleans.Concurrency;
global using Orleans.Runtime;
