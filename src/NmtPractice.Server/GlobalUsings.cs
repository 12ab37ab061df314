global using Microsoft.Extensions.Logging;
global using NodaTime;
