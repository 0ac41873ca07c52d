using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Serverless.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
FunctionsServices.Add(builder.Services, builder.Configuration);
await builder.Build().RunAsync();
