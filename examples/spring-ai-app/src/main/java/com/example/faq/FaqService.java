package com.example.faq;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.stereotype.Service;

/** Loads the FAQ into the vector store at start-up and answers questions with the closest entry. */
@Service
public class FaqService {
    private final VectorStore store;

    public FaqService(VectorStore store) {
        this.store = store;
        store.add(List.of(
                new Document("password", "To reset your password, open Settings, choose Security and click "
                        + "'Forgot password'.", Map.of("section", "account")),
                new Document("invoice", "Invoices are sent by e-mail on the first day of each month.",
                        Map.of("section", "billing")),
                new Document("refund", "Refunds are paid back to the original card within ten days.",
                        Map.of("section", "billing")),
                new Document("delete", "Deleting your account removes all of your data after thirty days.",
                        Map.of("section", "account"))));
    }

    /**
     * The entry closest to {@code question}, optionally within one section.
     *
     * @param question the user's question
     * @param section a section name, or null for all
     * @return the closest entry, if any is similar enough
     */
    public Optional<Document> answer(String question, String section) {
        SearchRequest.Builder request = SearchRequest.builder().query(question).topK(1).similarityThreshold(0.2);
        if (section != null) {
            request.filterExpression("section == '" + section + "'");
        }
        return store.similaritySearch(request.build()).stream().findFirst();
    }
}
