package dev.chromaj.testing;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.opentest4j.TestAbortedException;

/**
 * Gives every test its seed ({@link TestRandom}) and prints a reproduce line when a test fails.
 *
 * <p>Registered automatically for every test: the module's test resources set
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}, and this jar
 * lists the extension in {@code META-INF/services/org.junit.jupiter.api.extension.Extension}.
 *
 * <p>On a failure of a test, or of a {@code @BeforeEach}, {@code @AfterEach}, {@code @BeforeAll} or {@code @AfterAll}
 * method, it prints one line to the test output ({@code System.err}, which Surefire writes to
 * {@code target/surefire-reports/<class>-output.txt}) and attaches the same line to the failure as a suppressed
 * exception, so that it also appears in the console's stack trace:
 *
 * <pre>REPRODUCE: mvn -B -ntp -pl chroma-core -am verify -Dtest=WhereRoundTripTest#whereRoundTrips
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtests.seed=9F3A...</pre>
 *
 * <p>The module comes from the system property {@code tests.module}, which the build sets for Surefire. The extension
 * also injects method parameters (of tests and of lifecycle methods, not of constructors) of type {@link Random}
 * ({@link TestRandom#random()}) and {@code long} parameters annotated {@link Seed} ({@link TestRandom#seed()}).
 */
public final class TestSeedExtension
        implements TestInstancePreConstructCallback,
                TestInstancePostProcessor,
                BeforeAllCallback,
                BeforeEachCallback,
                TestExecutionExceptionHandler,
                LifecycleMethodExecutionExceptionHandler,
                ParameterResolver {

    /** System property naming the Maven module of the tests, for the reproduce line. */
    public static final String MODULE_PROPERTY = "tests.module";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(TestSeedExtension.class);
    private static final Object ANNOUNCE_LOCK = new Object();
    /** Guarded by {@link #ANNOUNCE_LOCK}. */
    private static boolean announced;

    /** Public for the {@link java.util.ServiceLoader}. */
    public TestSeedExtension() {}

    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        // JUnit 5.11 creates the instance with the class's context, before the test's seed is known: a generator
        // made by a field initializer would be shared by the class's tests in run order, so refuse it.
        TestRandom.beginConstruction();
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        TestRandom.endConstruction();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        enterScope(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        enterScope(context);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw reported(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw reported(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw reported(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        throw reported(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw reported(context, throwable);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        if (!(parameter.getDeclaringExecutable() instanceof Method)) {
            return false; // constructors run before the test's seed is known
        }
        Class<?> type = parameter.getParameter().getType();
        return type == Random.class || (type == long.class && parameter.isAnnotated(Seed.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        enterScope(context);
        return parameter.getParameter().getType() == Random.class ? TestRandom.random() : TestRandom.seed();
    }

    /**
     * The command that reruns the failed test with the same seed: {@code testClass} and {@code method} (null for a
     * class-level failure) in {@code module} (null when unknown: then only the seed option is given).
     */
    static String reproduceLine(String module, String testClass, String method, String masterSeedHex) {
        String test = method == null ? testClass : testClass + "#" + method;
        if (test.indexOf('$') >= 0) {
            test = "'" + test + "'"; // a nested class: keep the shell from expanding $Name
        }
        if (module == null || module.isBlank()) {
            return "REPRODUCE: -D" + TestRandom.SEED_PROPERTY + "=" + masterSeedHex + " (test " + test + ")";
        }
        return "REPRODUCE: mvn -B -ntp -pl " + module + " -am verify -Dtest=" + test
                + " -Dsurefire.failIfNoSpecifiedTests=false -D" + TestRandom.SEED_PROPERTY + "=" + masterSeedHex;
    }

    /**
     * Makes the seed of {@code context} (a test case, or a test class) current on this thread until the context
     * closes. Idempotent per context: the instance, parameter and lifecycle callbacks of one test enter it once.
     */
    private static void enterScope(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        String key = "scope:" + context.getUniqueId();
        if (store.get(key) != null) {
            return;
        }
        announceOnce();
        TestRandom.Scope previous = TestRandom.enter(context.getUniqueId());
        // Closed by JUnit when the context ends (after the test's afterEach callbacks, or after the class).
        store.put(key, (ExtensionContext.Store.CloseableResource) () -> TestRandom.restore(previous));
    }

    private static void announceOnce() {
        synchronized (ANNOUNCE_LOCK) {
            if (!announced) {
                announced = true;
                System.err.println("chromaj tests: -D" + TestRandom.SEED_PROPERTY + "=" + TestRandom.masterSeedHex()
                        + (TestRandom.masterSeedGiven() ? " (given)" : " (drawn for this run)"));
            }
        }
    }

    private static Throwable reported(ExtensionContext context, Throwable throwable) {
        if (throwable instanceof TestAbortedException) {
            return throwable; // a failed assumption skips the test: nothing to reproduce
        }
        Class<?> testClass = context.getRequiredTestClass();
        String packageName = testClass.getPackageName();
        String className = packageName.isEmpty()
                ? testClass.getName()
                : testClass.getName().substring(packageName.length() + 1);
        Optional<String> method = context.getTestMethod().map(Method::getName);
        String line = reproduceLine(
                System.getProperty(MODULE_PROPERTY), className, method.orElse(null), TestRandom.masterSeedHex());
        System.err.println(line);
        throwable.addSuppressed(new ReproduceLine(line));
        return throwable;
    }

    /** Carries the reproduce line in the failure's stack trace; not an error of its own. */
    static final class ReproduceLine extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReproduceLine(String line) {
            super(line, null, false, false);
        }
    }
}
