import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** The message of the first broken rule, naming its field (a DTO declares fields in the order they are checked). */
function firstProblem(errors: ValidationError[]): string {
  for (const error of errors) {
    const messages = Object.values(error.constraints ?? {});
    if (error.constraints?.['whitelistValidation']) return `${error.property} is not a field of this request.`;
    if (messages.length > 0) return messages[0]!;
    const nested = firstProblem(error.children ?? []);
    if (nested) return nested;
  }
  return 'The body is not valid.';
}

/**
 * The one ValidationPipe of the sample: every DTO is checked against its decorators; a field the
 * DTO does not declare is refused (forbidNonWhitelisted), `__proto__`, `constructor` and
 * `prototype` keys are stripped before anything reads them, and a failure is our
 * `400 { error: 'invalid_request', message }` naming the field, like every other error.
 * `validateCustomDecorators`: bodies arrive through `@JsonBody()`, which refuses non-JSON first.
 */
export function sampleValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    // Rules that check a value's shape only: no implicit conversion of `"1"` to 1 or back.
    transformOptions: { enableImplicitConversion: false },
    validateCustomDecorators: true,
    // The first broken rule of a field is the one reported; the others are not run.
    stopAtFirstError: true,
    exceptionFactory: (errors) => new BadRequestException({ error: 'invalid_request', message: firstProblem(errors) }),
  });
}
