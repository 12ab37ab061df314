global using Grpc.Core;
global using Microsoft.Extensions.Logging;
global using NmtPractice.Domain;
global using NmtPractice.Domain.Scheduling;
global using NmtPractice.Domain.Time;
global using NodaTime;
global using Orleans;
