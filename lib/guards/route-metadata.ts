import type { ExecutionContext, Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

type MetadataKey = Parameters<Reflector['getAllAndOverride']>[0];

/**
 * A route's metadata as the guards read it (the handler's, else its controller's), looked up
 * in the Reflector once per route and metadata key: decorators are applied when the classes
 * are defined, so what a route says never changes while the app runs, and a request is spared
 * the Reflector's walk over both targets and their prototype chains.
 */
export class RouteMetadata {
  private readonly byController = new WeakMap<Type, WeakMap<object, Map<MetadataKey, unknown>>>();

  constructor(private readonly reflector: Reflector) {}

  get<T>(key: MetadataKey, context: ExecutionContext): T | undefined {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.byController.get(controller);
    if (!byHandler) this.byController.set(controller, (byHandler = new WeakMap()));
    let values = byHandler.get(handler);
    if (!values) byHandler.set(handler, (values = new Map()));
    if (values.has(key)) return values.get(key) as T | undefined;
    const value = this.reflector.getAllAndOverride<T>(key as string, [handler, controller]);
    values.set(key, value);
    return value;
  }
}
