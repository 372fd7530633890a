import type { Type } from '@nestjs/common';

/**
 * How the sample's ValidationPipe turns a body into its DTO: the body's own fields, copied as
 * they came onto an object of the DTO's class, never walked. The sample's DTOs are flat, and
 * class-transformer (the pipe's default) copies nested values recursively: a 16 KB body whose
 * field holds 8,000 nested arrays overflows the call stack, a 500 instead of a 400. Here such a
 * value reaches its field's rule (or, for a passkey `credential`, PasskeyService) untouched.
 */
export const flatDtoTransformer = {
  plainToInstance<T>(cls: Type<T>, plain: unknown): T {
    // Not an object (the pipe validates a stand-in for it then): returned as it came.
    if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return plain as T;
    const dto = Object.create(cls.prototype as object) as Record<string, unknown>;
    for (const [key, value] of Object.entries(plain)) {
      // The pipe has stripped `__proto__`; defineProperty would not call its setter anyway.
      Object.defineProperty(dto, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return dto as T;
  },
  classToPlain(object: unknown): Record<string, unknown> {
    return { ...(object as Record<string, unknown>) };
  },
};
