import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { flatDtoTransformer } from './flat-dto-transformer.js';

/** The message of the first broken rule, naming its field (a DTO declares fields in the order they are checked). */
function firstProblem(errors: ValidationError[]): string {
  for (const error of errors) {
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) return messages[0]!;
    const nested = firstProblem(error.children ?? []);
    if (nested) return nested;
  }
  return 'The body is not valid.';
}

/**
 * The one ValidationPipe of the sample: every DTO is checked against its decorators, and a
 * failure is our `400 { error: 'invalid_request', message }` naming the field, like every other
 * error. `__proto__`, `constructor` and `prototype` keys are stripped (by the pipe) before
 * anything reads them; other fields the DTO does not declare are dropped, unread, as the sample
 * always did (`forbidNonWhitelisted` would turn them into 400s: a change of the HTTP contract).
 * `validateCustomDecorators`: bodies arrive through `@JsonBody()`, which refuses non-JSON first.
 */
export function sampleValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    transformerPackage: flatDtoTransformer,
    whitelist: true,
    forbidNonWhitelisted: false,
    validateCustomDecorators: true,
    // The first broken rule of a field is the one reported; the others are not run.
    stopAtFirstError: true,
    exceptionFactory: (errors) => new BadRequestException({ error: 'invalid_request', message: firstProblem(errors) }),
  });
}
