package io.wsdeck.session;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class EchoQueueBudgetTest {

	@Test
	void givesBytesUntilTheLimitAndAgainOnceReleased() {
		EchoQueueBudget budget = new EchoQueueBudget(100);

		assertThat(budget.tryTake(60)).isTrue();
		assertThat(budget.tryTake(40)).isTrue();
		assertThat(budget.tryTake(1)).isFalse();
		budget.release(40);
		assertThat(budget.tryTake(41)).isFalse();
		assertThat(budget.tryTake(40)).isTrue();
		assertThat(budget.used()).isEqualTo(100);
	}

	@Test
	void aLimitOfZeroQueuesNothing() {
		assertThat(new EchoQueueBudget(0).tryTake(1)).isFalse();
	}

	@Test
	void saysOnceThatItIsSpentAndOnceThatHalfIsFreeAgain(CapturedOutput output) {
		EchoQueueBudget budget = new EchoQueueBudget(100);
		budget.tryTake(100);

		budget.tryTake(1);
		budget.tryTake(1);
		budget.release(40);
		budget.release(10);

		// INFO lines may wait for the console's next batch (BufferedConsoleAppender) when Spring Boot's logging is set up
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getOut()).contains("down to 50 bytes: they are queued again"));
		assertThat(output.getOut().split("reach 100 bytes \\(wsdeck.outbound.echo-queue-limit\\)", -1)).hasSize(2);
	}

}
