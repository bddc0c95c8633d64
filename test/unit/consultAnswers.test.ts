// Consult answers are chosen by best match, not first match: a question that touches two topics gets the
// one it is more about, and a question no pattern touches gets none (a person answers it).
import { loadConsultAnswers } from '../../handlers/intake/consultAnswers';

const answers = loadConsultAnswers();

describe('consult answers', () => {
  it('answers the clinic question, not the office hours it also touches', () => {
    expect(answers.find('社区医院周末打不打疫苗要预约吗')?.topic).toBe('vaccination and clinic hours');
  });

  it('still answers a plain office-hours question with office hours', () => {
    expect(answers.find('请问社区周末上班吗')?.topic).toBe('office hours');
  });

  it('answers nothing when no pattern matches', () => {
    expect(answers.find('楼下新开的奶茶店叫什么名字')).toBeNull();
  });
});
