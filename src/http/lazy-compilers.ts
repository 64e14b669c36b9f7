/**
 * Fastify's own schema compilers (ajv for what comes in, fast-json-stringify for what goes out), each route's
 * compiled when the route is first used rather than when the server starts. Compiling every route of the page and
 * API took ~200 ms of the daemon's start-up here, spent before the kiosk could take a scan, for routes (export,
 * technician tools) that may not be called all day. The same compilers and options, only later; a broken schema
 * still fails the first request to its route, which every route's test makes.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

/** What fastify calls per request: ajv's validate function, which leaves its errors on itself. */
interface RouteValidator {
  (data: unknown): unknown;
  errors?: unknown;
}
type RouteCompiler<F> = (route: unknown) => F;
type Factory<F> = (externalSchemas: unknown, options: unknown) => RouteCompiler<F>;
type Serializer = (doc: unknown) => string;

function lazyValidator(compile: () => RouteValidator): RouteValidator {
  let compiled: RouteValidator | undefined;
  const validate: RouteValidator = (data) => {
    compiled ??= compile();
    const result = compiled(data);
    validate.errors = compiled.errors ?? null;
    return result;
  };
  return validate;
}

export function lazyCompilers(): {
  buildValidator: AjvCompiler.BuildCompilerFromPool;
  buildSerializer: SerializerSelector.SerializerFactory;
} {
  // The published types of @fastify/ajv-compiler describe ajv's compile(schema); fastify calls the factory's result
  // with a route definition ({ schema, method, url, httpPart }), as its own schema controller does.
  const buildValidator = AjvCompiler() as unknown as Factory<RouteValidator>;
  const buildSerializer = SerializerSelector() as Factory<Serializer>;
  const validator: Factory<RouteValidator> = (externalSchemas, options) => {
    const compile = buildValidator(externalSchemas, options);
    return (route) => lazyValidator(() => compile(route));
  };
  const serializer: Factory<Serializer> = (externalSchemas, options) => {
    const compile = buildSerializer(externalSchemas, options);
    return (route) => {
      let compiled: Serializer | undefined;
      return (doc) => (compiled ??= compile(route))(doc);
    };
  };
  return {
    buildValidator: validator as unknown as AjvCompiler.BuildCompilerFromPool,
    buildSerializer: serializer as SerializerSelector.SerializerFactory,
  };
}
