import { Module } from '@nestjs/common';
import { UserRepository } from './user.repository.js';

@Module({
  providers: [{ provide: UserRepository, useFactory: () => UserRepository.withDemoUsers() }],
  exports: [UserRepository],
})
export class UsersModule {}
